#pragma once

#include <QDialog>

class QLabel;
class QPushButton;
class QSpinBox;

namespace ServeDeck {

class ModelServingService;

// Sets an endpoint's desired replicas by hand; a refusal (not enough capacity) shows in place.
class ScaleDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScaleDialog)

public:
    ScaleDialog(ModelServingService &service, const QString &endpointRef, QWidget *parent = nullptr);
    ~ScaleDialog() override;

    QSpinBox *replicasBox() const { return m_replicas; }
    bool apply();

private:
    ModelServingService &m_service;
    QString m_ref;
    QSpinBox *m_replicas;
    QLabel *m_error;
    QPushButton *m_apply;
};

} // namespace ServeDeck
