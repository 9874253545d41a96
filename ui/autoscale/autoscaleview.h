#pragma once

#include <QUuid>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace ServeDeck {

class AutoscaleRuleForm;
class EndpointListModel;
class EndpointSelector;
class ControlClient;
class RuleListModel;
class ScaleEventModel;

// One endpoint's autoscaling: its rules (select one to edit it in the form beside them), and
// the timeline of scale events below with how many went up and down.
class AutoscaleView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AutoscaleView)

public:
    AutoscaleView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent = nullptr);
    ~AutoscaleView() override;

    EndpointSelector *endpointSelector() const { return m_endpoint; }
    AutoscaleRuleForm *ruleForm() const { return m_form; }
    RuleListModel *ruleModel() const { return m_rules; }
    QTableView *ruleTable() const { return m_ruleTable; }
    ScaleEventModel *eventModel() const { return m_events; }
    QTableView *eventTable() const { return m_eventTable; }
    QLabel *eventCounts() const { return m_counts; }

    // Asks first.
    void deleteSelectedRule();

Q_SIGNALS:
    void deleteAnswered(bool ok);

private:
    void endpointChanged(const QUuid &id);
    void ruleSelected();
    void selectRule(const QUuid &ruleId);
    void updateCounts();

    ControlClient &m_client;
    RuleListModel *m_rules;
    ScaleEventModel *m_events;
    EndpointSelector *m_endpoint;
    QTableView *m_ruleTable;
    QPushButton *m_newRule;
    QPushButton *m_deleteRule;
    QLabel *m_deleteError;
    QLabel *m_counts;
    QTableView *m_eventTable;
    AutoscaleRuleForm *m_form;
};

} // namespace ServeDeck
