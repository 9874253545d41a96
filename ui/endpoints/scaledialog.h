#pragma once

#include <QDialog>

class QLabel;
class QPushButton;
class QSpinBox;

namespace ServeDeck {

class ControlClient;

// Sets an endpoint's desired replicas by hand; a refusal (not enough capacity) shows in place.
// Busy (buttons off, "Working…") while the current figures or the change are on their way.
class ScaleDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScaleDialog)

public:
    ScaleDialog(ControlClient &client, const QString &endpointRef, QWidget *parent = nullptr);
    ~ScaleDialog() override;

    QSpinBox *replicasBox() const { return m_replicas; }
    QLabel *errorLabel() const { return m_error; }
    bool isBusy() const;
    // Sends the change; answered() says how it went (the dialog accepts itself on success).
    void apply();

Q_SIGNALS:
    void loaded();
    void answered(bool ok);

private:
    void setBusy(bool busy);

    ControlClient &m_client;
    QString m_ref;
    QSpinBox *m_replicas;
    QLabel *m_now;
    QLabel *m_error;
    QLabel *m_busy;
    QPushButton *m_apply;
};

} // namespace ServeDeck
