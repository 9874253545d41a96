#pragma once

#include <QPointer>
#include <QUuid>
#include <QWidget>

class QAbstractItemModel;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableView;

namespace ServeDeck {

class AlertRuleListModel;
class ChannelDialog;
class ChannelListModel;
class ControlClient;
class DeliveryListModel;
class EndpointSelector;
class ErrorLabel;

// Settings > Notifications: the plane's channels (add, test, remove), every delivery and
// failure as it happens, and each endpoint's alert rules. Everything through the client.
class NotificationSettingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NotificationSettingsPage)

public:
    // endpoints: an EndpointListModel.
    NotificationSettingsPage(ControlClient &client, QAbstractItemModel &endpoints, QWidget *parent = nullptr);
    ~NotificationSettingsPage() override;

    ChannelListModel *channelModel() const { return m_channels; }
    DeliveryListModel *deliveryModel() const { return m_deliveries; }
    AlertRuleListModel *ruleModel() const { return m_rules; }
    QTableView *channelTable() const { return m_channelTable; }
    QTableView *deliveryTable() const { return m_deliveryTable; }
    QTableView *ruleTable() const { return m_ruleTable; }
    QPushButton *addChannelButton() const { return m_addChannel; }
    QPushButton *testButton() const { return m_test; }
    QPushButton *removeChannelButton() const { return m_removeChannel; }
    ErrorLabel *channelErrorLabel() const { return m_channelError; }
    QLabel *testResultLabel() const { return m_testResult; }
    // The Add… dialog while it is open.
    ChannelDialog *channelDialog() const;
    EndpointSelector *ruleEndpointSelector() const { return m_ruleEndpoint; }
    QComboBox *ruleMetricBox() const { return m_metric; }
    QComboBox *ruleComparatorBox() const { return m_comparator; }
    QDoubleSpinBox *ruleThresholdBox() const { return m_threshold; }
    QSpinBox *ruleForBox() const { return m_forSeconds; }
    QComboBox *ruleSeverityBox() const { return m_ruleSeverity; }
    QPushButton *addRuleButton() const { return m_addRule; }
    QPushButton *removeRuleButton() const { return m_removeRule; }
    ErrorLabel *ruleErrorLabel() const { return m_ruleError; }

    void reloadChannels();
    void reloadDeliveries();

Q_SIGNALS:
    void channelsLoaded();
    void rulesLoaded();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    QWidget *createChannels();
    QWidget *createDeliveries();
    QWidget *createRules(QAbstractItemModel &endpoints);
    void retranslate();
    QString selectedChannel() const;
    void openAddDialog();
    void testSelected();
    void removeSelected();
    void channelSelectionChanged();
    void showRules(const QUuid &endpointId);
    void addRule();
    void removeSelectedRule();
    void ruleSelectionChanged();

    ControlClient &m_client;
    QAbstractItemModel &m_endpoints;
    ChannelListModel *m_channels;
    DeliveryListModel *m_deliveries;
    AlertRuleListModel *m_rules;
    QGroupBox *m_channelBox = nullptr;
    QTableView *m_channelTable = nullptr;
    QPushButton *m_addChannel = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_removeChannel = nullptr;
    ErrorLabel *m_channelError = nullptr;
    QLabel *m_testResult = nullptr;
    QPointer<ChannelDialog> m_dialog;
    QGroupBox *m_deliveryBox = nullptr;
    QTableView *m_deliveryTable = nullptr;
    QGroupBox *m_ruleBox = nullptr;
    QLabel *m_ruleEndpointLabel = nullptr;
    EndpointSelector *m_ruleEndpoint = nullptr;
    QUuid m_rulesOf;
    QTableView *m_ruleTable = nullptr;
    QLabel *m_ruleFormLabel = nullptr;
    QComboBox *m_metric = nullptr;
    QComboBox *m_comparator = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QLabel *m_forLabel = nullptr;
    QSpinBox *m_forSeconds = nullptr;
    QComboBox *m_ruleSeverity = nullptr;
    QPushButton *m_addRule = nullptr;
    QPushButton *m_removeRule = nullptr;
    ErrorLabel *m_ruleError = nullptr;
};

} // namespace ServeDeck
