#pragma once

#include <QDialog>

#include "ui/common/errorlabel.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace ServeDeck {

class ControlClient;
struct Endpoint;

// Modifies an endpoint: a new model version or folder (a rollout to a new revision, by the
// strategy picked, a canary or progressive one starting at its share), resources, replicas,
// visibility, and its place in contention for capacity (priority, whether replicas that do not fit
// wait in the pending queue, whether a higher priority may preempt them). Only what was changed is sent; a refusal (RolloutInProgress, InsufficientResources…)
// shows in place. Busy while the current values or the change are on their way.
class ModifyEndpointDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModifyEndpointDialog)

public:
    ModifyEndpointDialog(ControlClient &client, const QString &endpointRef, QWidget *parent = nullptr);
    ~ModifyEndpointDialog() override;

    QLineEdit *versionEdit() const { return m_version; }
    QLineEdit *folderEdit() const { return m_folder; }
    // Rolling, Blue-green, Canary, Progressive (item data: RolloutStrategy as int); enabled only
    // while the version or folder differs from the endpoint's.
    QComboBox *strategyBox() const { return m_strategy; }
    // The canary's share (canary) or the first step (progressive).
    QSpinBox *canaryBox() const { return m_canary; }
    QSpinBox *replicasBox() const { return m_replicas; }
    QCheckBox *publicBox() const { return m_public; }
    QDoubleSpinBox *cpuBox() const { return m_cpu; }
    QSpinBox *priorityBox() const { return m_priority; }
    // Default, Always, Never (item data: QueueChoice as int).
    QComboBox *queueBox() const { return m_queueWhenFull; }
    QCheckBox *preemptionBox() const { return m_allowPreemption; }
    // The p95 goal in ms; its minimum (0) reads "none": no target.
    QSpinBox *latencyTargetBox() const { return m_latencyTarget; }
    // Jobs run at once; its minimum (0) reads as the default: HEALTHY replicas x per replica.
    QSpinBox *jobConcurrencyBox() const { return m_jobConcurrency; }
    enum class QueueChoice { Default, Always, Never };
    QLabel *errorLabel() const { return m_error; }
    QLineEdit *aliasesEdit() const { return m_aliases; }
    bool isBusy() const;
    // Sends what changed; answered() says how it went (the dialog accepts itself on success).
    void apply();

Q_SIGNALS:
    void loaded();
    void answered(bool ok);

private:
    void fill(const Endpoint &endpoint);
    void setBusy(bool busy);
    void updateRolloutFields();

    ControlClient &m_client;
    QString m_ref;
    QLineEdit *m_version;
    QLineEdit *m_folder;
    QComboBox *m_strategy;
    QSpinBox *m_canary;
    QDoubleSpinBox *m_cpu;
    QSpinBox *m_memoryMiB;
    QSpinBox *m_replicas;
    QCheckBox *m_public;
    QSpinBox *m_priority;
    QComboBox *m_queueWhenFull;
    QCheckBox *m_allowPreemption;
    QSpinBox *m_latencyTarget;
    QSpinBox *m_jobConcurrency;
    ErrorLabel *m_error;
    QLabel *m_busy;
    QPushButton *m_apply;
    // What the endpoint had when the dialog opened: unchanged fields are not sent.
    QString m_oldVersion, m_oldFolder;
    double m_oldCpu = 0, m_oldGpu = 0;
    qint64 m_oldGpuMemory = 0;
    int m_oldMemoryMiB = 0, m_oldReplicas = 0;
    bool m_oldPublic = false;
    // Other names for the proxy's OpenAI front door, comma-separated.
    QLineEdit *m_aliases = nullptr;
    QStringList m_oldAliases;
    int m_oldPriority = 0;
    QueueChoice m_oldQueue = QueueChoice::Default;
    bool m_oldPreemption = false;
    int m_oldLatencyTarget = 0;  // 0: none
    int m_oldJobConcurrency = 0;  // 0: the default
};

} // namespace ServeDeck
