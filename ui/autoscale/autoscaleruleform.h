#pragma once

#include <QUuid>
#include <QWidget>

#include "domain/autoscalingrule.h"
#include "domain/result.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace ServeDeck {

class ErrorLabel;
class ControlClient;
struct EndpointInfo;

// Creates or edits one autoscaling rule of an endpoint. Every field of the rule, with its
// unit; the rule read back as a sentence with its inequality while it is typed; problems
// shown next to the field they concern, and the service's refusal (ConflictingRules naming
// the rule in the way) above the submit button.
class AutoscaleRuleForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AutoscaleRuleForm)

public:
    explicit AutoscaleRuleForm(ControlClient &client, QWidget *parent = nullptr);
    ~AutoscaleRuleForm() override;

    // Starts a new rule for this endpoint, and offers its runtime's metrics once the control
    // plane says which they are.
    void setEndpoint(const QUuid &endpointId);
    void newRule();
    void editRule(const AutoScalingRule &rule);
    QUuid editedRule() const { return m_ruleId; }

    AutoScalingRule rule() const;   // what the fields say now
    QStringList problems() const;   // why it cannot be submitted; empty when it can
    QString sentence() const;
    // Sends the rule to be created or saved; false when the fields do not allow it (or a save is
    // on its way). answered() follows; a refusal shows in place.
    bool submit();
    bool isSaving() const { return m_saving; }

    // The unit a metric is measured in, for its threshold: "%", "req/s", "ms" or none.
    static QString unitOf(const QString &metric);

Q_SIGNALS:
    void submitted(const ServeDeck::AutoScalingRule &rule);
    void answered(bool ok);

private:
    void load(const AutoScalingRule &rule);
    void showSaved(const QUuid &endpoint, const Result<AutoScalingRule> &saved);
    void refresh();
    void metricEdited(const QString &metric);
    void offerMetrics(const EndpointInfo *info);

    ControlClient &m_client;
    bool m_saving = false;
    QUuid m_endpoint;
    QUuid m_ruleId;
    bool m_loading = false;
    QLabel *m_heading;
    QComboBox *m_source;
    QComboBox *m_metric;
    ErrorLabel *m_metricError;
    QLabel *m_runtimeNote;
    QComboBox *m_comparator;
    QDoubleSpinBox *m_threshold;
    QRadioButton *m_stepMode;
    QRadioButton *m_targetMode;
    QSpinBox *m_step;
    QDoubleSpinBox *m_target;
    ErrorLabel *m_actionError;
    QSpinBox *m_min;
    QSpinBox *m_max;
    ErrorLabel *m_replicasError;
    QSpinBox *m_upDelay;
    QSpinBox *m_downDelay;
    QSpinBox *m_cooldown;
    ErrorLabel *m_delayError;
    QLabel *m_sentence;
    ErrorLabel *m_submitError;
    QPushButton *m_submit;
};

} // namespace ServeDeck
