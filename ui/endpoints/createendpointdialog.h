#pragma once

#include <QDialog>

#include "domain/endpoint.h"
#include "service/modelservingservice.h"

class QCheckBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace ServeDeck {

// Deploys a new endpoint in two steps: Check (the service's dry run: every problem, and the
// resources it would take against what is free), then Deploy, which stays disabled until the
// inputs as they are now have passed a check.
class CreateEndpointDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CreateEndpointDialog)

public:
    explicit CreateEndpointDialog(ModelServingService &service, QWidget *parent = nullptr);
    ~CreateEndpointDialog() override;

    CreateEndpointRequest request() const;
    // Runs the dry run and shows its report; true when it found nothing wrong.
    bool check();
    // Creates the endpoint and closes; false with the reason in place.
    bool deploy();
    Endpoint created() const { return m_created; }

private:
    void edited();
    void browse();
    void showProblems(const QList<ServiceError> &problems);
    void showEstimate(const DryRunReport &report);

    ModelServingService &m_service;
    QLineEdit *m_name;
    QLineEdit *m_version;
    QLineEdit *m_folder;
    QPushButton *m_browse;
    QDoubleSpinBox *m_cpu;
    QDoubleSpinBox *m_memory;
    QDoubleSpinBox *m_gpu;
    QSpinBox *m_replicas;
    QCheckBox *m_public;
    QPushButton *m_check;
    QPushButton *m_deploy;
    QLabel *m_status;
    QListWidget *m_problems;
    QGridLayout *m_estimate;
    QList<QLabel *> m_estimateCells;
    bool m_checked = false;
    Endpoint m_created;
};

} // namespace ServeDeck
