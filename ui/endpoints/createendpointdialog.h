#pragma once

#include <QDialog>

#include "domain/endpoint.h"
#include "service/modelservingservice.h"

namespace ServeDeck {
class ControlClient;
}

class QCheckBox;
class QComboBox;
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
    explicit CreateEndpointDialog(ControlClient &client, QWidget *parent = nullptr);
    ~CreateEndpointDialog() override;

    CreateEndpointRequest request() const;
    // Runs the dry run and shows its report; checked() says whether it found nothing wrong.
    void check();
    // Creates the endpoint and closes; on a refusal the reason shows in place.
    void deploy();
    Endpoint created() const { return m_created; }
    // A check or a deploy is on its way: both buttons are off and the busy text says which.
    bool isBusy() const;

Q_SIGNALS:
    void checked(bool valid);
    void deployAnswered(bool ok);

private:
    void setBusy(const QString &what);
    void showReport(const DryRunReport &report);
    void showCreated(const Result<Endpoint> &created);
    void edited();
    void browse();
    void showProblems(const QList<ServiceError> &problems);
    void showEstimate(const DryRunReport &report);
    void showLaunch(const DryRunReport &report);

    ControlClient &m_client;
    QLineEdit *m_name;
    QLineEdit *m_version;
    QLineEdit *m_folder;
    QComboBox *m_runtime;
    QPushButton *m_browse;
    QDoubleSpinBox *m_cpu;
    QDoubleSpinBox *m_memory;
    QDoubleSpinBox *m_gpu;
    QDoubleSpinBox *m_gpuMemory;  // GiB per replica; 0: whole devices only
    QSpinBox *m_replicas;
    QCheckBox *m_public;
    QPushButton *m_check;
    QPushButton *m_deploy;
    QLabel *m_status;
    QLabel *m_busy;
    QListWidget *m_problems;
    QLabel *m_launch;  // what a replica would run, and what the folder holds for it
    QGridLayout *m_estimate;
    QList<QLabel *> m_estimateCells;
    bool m_checked = false;
    quint64 m_generation = 0;  // bumped by each edit
    Endpoint m_created;
};

} // namespace ServeDeck
