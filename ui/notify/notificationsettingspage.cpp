#include "notificationsettingspage.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QShowEvent>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "notify/notifier.h"
#include "plane/controlclient.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/common/prompt.h"
#include "ui/common/tablecolumns.h"
#include "ui/common/theme.h"
#include "ui/notify/alertrulelistmodel.h"
#include "ui/notify/channeldialog.h"
#include "ui/notify/channellistmodel.h"
#include "ui/notify/deliverylistmodel.h"

namespace ServeDeck {

namespace {

// The metrics an alert rule watches, as the plane names them (the rule's grammar).
const QStringList kMetrics{QStringLiteral("p95_ms"), QStringLiteral("p99_ms"), QStringLiteral("error_rate"),
                           QStringLiteral("requests_per_second"), QStringLiteral("ttft_p95_ms")};
// A day: an alert that needs longer to fire is a report, not an alert.
constexpr int kMaxForSeconds = 24 * 3600;

QTableView *table(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    fitColumnsToContents(view);
    return view;
}

QString problem(const ServiceError &error)
{
    return error.typeName() + QStringLiteral(": ") + error.message;
}

void fillSeverities(QComboBox *box)
{
    const int current = box->currentIndex();
    box->clear();
    for (const auto severity : {NotificationSeverity::Info, NotificationSeverity::Warning, NotificationSeverity::Critical})
        box->addItem(ChannelListModel::severityText(severity), int(severity));
    box->setCurrentIndex(current >= 0 ? current : int(NotificationSeverity::Warning));
}

} // namespace

NotificationSettingsPage::NotificationSettingsPage(ControlClient &client, QAbstractItemModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_endpoints(endpoints)
    , m_channels(new ChannelListModel(this))
    , m_deliveries(new DeliveryListModel(this))
    , m_rules(new AlertRuleListModel(this))
{
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(createChannels());
    splitter->addWidget(createDeliveries());
    splitter->addWidget(createRules(endpoints));
    splitter->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    // Every delivery and failure, as the plane makes it.
    connect(&m_client, &ControlClient::notificationDelivered, m_deliveries, &DeliveryListModel::add);
    retranslate();
    reloadChannels();
    reloadDeliveries();
}

NotificationSettingsPage::~NotificationSettingsPage() = default;

ChannelDialog *NotificationSettingsPage::channelDialog() const
{
    return m_dialog;
}

QWidget *NotificationSettingsPage::createChannels()
{
    m_channelBox = new QGroupBox(this);
    m_channelTable = table(m_channels, m_channelBox);
    m_channelTable->setObjectName(QStringLiteral("channels"));
    m_channelTable->horizontalHeader()->setSectionResizeMode(ChannelListModel::Target, QHeaderView::Stretch);
    m_addChannel = new QPushButton(m_channelBox);
    m_test = new QPushButton(m_channelBox);
    m_removeChannel = new QPushButton(m_channelBox);
    m_channelError = new ErrorLabel(QStringLiteral("channelsError"), m_channelBox);
    m_testResult = new QLabel(m_channelBox);
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setTextFormat(Qt::PlainText);
    m_testResult->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    m_testResult->hide();
    connect(m_addChannel, &QPushButton::clicked, this, &NotificationSettingsPage::openAddDialog);
    connect(m_test, &QPushButton::clicked, this, &NotificationSettingsPage::testSelected);
    connect(m_removeChannel, &QPushButton::clicked, this, &NotificationSettingsPage::removeSelected);
    connect(m_channelTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &NotificationSettingsPage::channelSelectionChanged);
    connect(m_channels, &QAbstractItemModel::rowsRemoved, this, &NotificationSettingsPage::channelSelectionChanged);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_addChannel);
    buttons->addWidget(m_test);
    buttons->addWidget(m_removeChannel);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(m_channelBox);
    layout->addWidget(m_channelTable, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_channelError);
    layout->addWidget(m_testResult);
    channelSelectionChanged();
    return m_channelBox;
}

QWidget *NotificationSettingsPage::createDeliveries()
{
    m_deliveryBox = new QGroupBox(this);
    m_deliveryTable = table(m_deliveries, m_deliveryBox);
    m_deliveryTable->setObjectName(QStringLiteral("deliveries"));
    m_deliveryTable->horizontalHeader()->setSectionResizeMode(DeliveryListModel::Outcome, QHeaderView::Stretch);
    auto *layout = new QVBoxLayout(m_deliveryBox);
    layout->addWidget(m_deliveryTable);
    return m_deliveryBox;
}

QWidget *NotificationSettingsPage::createRules(QAbstractItemModel &endpoints)
{
    m_ruleBox = new QGroupBox(this);
    m_ruleEndpoint = new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, m_ruleBox);
    m_ruleTable = table(m_rules, m_ruleBox);
    m_ruleTable->setObjectName(QStringLiteral("alertRules"));
    m_ruleTable->horizontalHeader()->setSectionResizeMode(AlertRuleListModel::Condition, QHeaderView::Stretch);
    m_ruleFormLabel = new QLabel(m_ruleBox);
    m_metric = new QComboBox(m_ruleBox);
    m_metric->setObjectName(QStringLiteral("ruleMetric"));
    m_metric->addItems(kMetrics);
    m_comparator = new QComboBox(m_ruleBox);
    m_comparator->setObjectName(QStringLiteral("ruleComparator"));
    m_comparator->addItems({QStringLiteral(">"), QStringLiteral("<")});
    m_threshold = new QDoubleSpinBox(m_ruleBox);
    m_threshold->setObjectName(QStringLiteral("ruleThreshold"));
    // Negative thresholds reach the plane, which refuses them with its own error.
    m_threshold->setRange(-1e9, 1e9);
    m_threshold->setDecimals(2);
    m_threshold->setValue(200);
    m_forLabel = new QLabel(m_ruleBox);
    m_forSeconds = new QSpinBox(m_ruleBox);
    m_forSeconds->setObjectName(QStringLiteral("ruleFor"));
    m_forSeconds->setRange(0, kMaxForSeconds);
    m_forSeconds->setValue(AlertRule().forSeconds);
    m_ruleSeverity = new QComboBox(m_ruleBox);
    m_ruleSeverity->setObjectName(QStringLiteral("ruleSeverity"));
    fillSeverities(m_ruleSeverity);
    m_addRule = new QPushButton(m_ruleBox);
    m_removeRule = new QPushButton(m_ruleBox);
    m_ruleError = new ErrorLabel(QStringLiteral("ruleError"), m_ruleBox);
    connect(m_ruleEndpoint, &EndpointSelector::currentEndpointChanged, this, &NotificationSettingsPage::showRules);
    connect(m_addRule, &QPushButton::clicked, this, &NotificationSettingsPage::addRule);
    connect(m_removeRule, &QPushButton::clicked, this, &NotificationSettingsPage::removeSelectedRule);
    connect(m_ruleTable->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &NotificationSettingsPage::ruleSelectionChanged);
    connect(m_rules, &QAbstractItemModel::modelReset, this, &NotificationSettingsPage::ruleSelectionChanged);
    connect(m_rules, &QAbstractItemModel::rowsRemoved, this, &NotificationSettingsPage::ruleSelectionChanged);

    auto *form = new QHBoxLayout;
    form->addWidget(m_ruleFormLabel);
    form->addWidget(m_metric);
    form->addWidget(m_comparator);
    form->addWidget(m_threshold);
    form->addWidget(m_forLabel);
    form->addWidget(m_forSeconds);
    form->addWidget(m_ruleSeverity);
    form->addWidget(m_addRule);
    form->addStretch(1);
    form->addWidget(m_removeRule);
    m_ruleEndpointLabel = new QLabel(m_ruleBox);
    m_ruleEndpointLabel->setBuddy(m_ruleEndpoint);
    auto *endpointRow = new QHBoxLayout;
    endpointRow->addWidget(m_ruleEndpointLabel);
    endpointRow->addWidget(m_ruleEndpoint, 1);
    endpointRow->addStretch(2);
    auto *layout = new QVBoxLayout(m_ruleBox);
    layout->addLayout(endpointRow);
    layout->addWidget(m_ruleTable, 1);
    layout->addLayout(form);
    layout->addWidget(m_ruleError);
    showRules(m_ruleEndpoint->currentEndpoint());
    return m_ruleBox;
}

void NotificationSettingsPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void NotificationSettingsPage::showEvent(QShowEvent *event)
{
    // Channels and rules change through the API and ctl too, and the Notifier announces only
    // deliveries: each time the page comes up it asks again.
    if (!event->spontaneous()) {
        reloadChannels();
        showRules(m_ruleEndpoint->currentEndpoint());
    }
    QWidget::showEvent(event);
}

void NotificationSettingsPage::retranslate()
{
    m_channelBox->setTitle(tr("Channels"));
    m_addChannel->setText(tr("Add…"));
    m_test->setText(tr("Test"));
    m_test->setToolTip(tr("Send the selected channel a sample notification"));
    m_removeChannel->setText(tr("Remove…"));
    m_deliveryBox->setTitle(tr("Deliveries"));
    m_ruleBox->setTitle(tr("Alert rules"));
    m_ruleEndpointLabel->setText(tr("&Endpoint"));
    m_ruleFormLabel->setText(tr("Alert when"));
    m_forLabel->setText(tr("for"));
    m_forSeconds->setSuffix(tr(" s"));
    fillSeverities(m_ruleSeverity);
    m_addRule->setText(tr("Add rule"));
    m_removeRule->setText(tr("Remove rule"));
    // The models' headers are made on demand: asking the views again is enough.
    for (QAbstractItemModel *model : {static_cast<QAbstractItemModel *>(m_channels),
                                      static_cast<QAbstractItemModel *>(m_deliveries),
                                      static_cast<QAbstractItemModel *>(m_rules)}) {
        Q_EMIT model->headerDataChanged(Qt::Horizontal, 0, model->columnCount() - 1);
    }
}

void NotificationSettingsPage::reloadChannels()
{
    m_client.call(
        this, [](ControlPlane &plane) { return plane.notifier()->channels(); },
        [this](const Result<QList<NotificationChannel>> &channels) {
            if (!channels) {
                m_channelError->showProblem(problem(channels.error()));
                return;
            }
            m_channels->setChannels(*channels);
            Q_EMIT channelsLoaded();
        });
}

void NotificationSettingsPage::reloadDeliveries()
{
    m_client.call(
        this, [](ControlPlane &plane) { return plane.notifier()->deliveries(DeliveryListModel::MaxRows); },
        [this](const Result<QList<NotificationDelivery>> &deliveries) {
            if (!deliveries) {
                m_channelError->showProblem(problem(deliveries.error()));
                return;
            }
            m_deliveries->setDeliveries(*deliveries);
        });
}

QString NotificationSettingsPage::selectedChannel() const
{
    const QModelIndexList rows = m_channelTable->selectionModel()->selectedRows();
    return rows.size() == 1 ? rows.first().data(ChannelListModel::IdRole).toString() : QString();
}

void NotificationSettingsPage::channelSelectionChanged()
{
    const bool selected = !selectedChannel().isEmpty();
    m_test->setEnabled(selected);
    m_removeChannel->setEnabled(selected);
}

void NotificationSettingsPage::openAddDialog()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    m_dialog = new ChannelDialog(m_client, m_endpoints, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, [this, dialog = m_dialog] {
        const QString id = dialog->created().id;
        m_channelError->showProblem({});
        // The new channel is selected once its row is in, ready for Test.
        auto select = std::make_shared<QMetaObject::Connection>();
        *select = connect(this, &NotificationSettingsPage::channelsLoaded, this, [this, id, select] {
            disconnect(*select);
            const int row = m_channels->rowOf(id);
            if (row >= 0)
                m_channelTable->selectRow(row);
        });
        reloadChannels();
    });
    m_dialog->open();
}

void NotificationSettingsPage::testSelected()
{
    const QString id = selectedChannel();
    if (id.isEmpty())
        return;
    m_test->setEnabled(false);
    m_channelError->showProblem({});
    m_client.call(
        this, [id](ControlPlane &plane) { return plane.notifier()->sendTest(id); },
        [this](const Result<NotificationEvent> &sent) {
            channelSelectionChanged();
            if (!sent) {
                m_channelError->showProblem(problem(sent.error()));
                m_testResult->hide();
                return;
            }
            // Its delivery (or failure) arrives in the table below as the channel answers.
            m_testResult->setText(tr("Sample sent: %1").arg(sent->title));
            m_testResult->show();
        });
}

void NotificationSettingsPage::removeSelected()
{
    const QString id = selectedChannel();
    if (id.isEmpty())
        return;
    const QString name = m_channels->channel(m_channels->rowOf(id)).name;
    if (!Prompt::confirm(this, tr("Remove channel"),
                         tr("Remove the notification channel %1? It stops receiving notifications; its deliveries stay listed.")
                             .arg(name),
                         tr("Remove")))
        return;
    m_channelError->showProblem({});
    m_client.call(
        this, [id](ControlPlane &plane) { return plane.notifier()->removeChannel(id); },
        [this](const Result<Done> &removed) {
            if (!removed)
                m_channelError->showProblem(problem(removed.error()));
            reloadChannels();
        });
}

void NotificationSettingsPage::showRules(const QUuid &endpointId)
{
    const bool same = endpointId == m_rulesOf;
    m_rulesOf = endpointId;
    m_addRule->setEnabled(!endpointId.isNull());
    if (endpointId.isNull()) {
        m_rules->setRules({}, false);
        return;
    }
    if (!same)
        m_rules->setRules({}, false);
    m_client.call(
        this, [endpointId](ControlPlane &plane) { return plane.notifier()->alertRules(endpointId); },
        [this, endpointId](const Result<QList<AlertRule>> &rules) {
            // Another endpoint was chosen while this list was on its way.
            if (endpointId != m_rulesOf)
                return;
            if (!rules) {
                m_ruleError->showProblem(problem(rules.error()));
                return;
            }
            m_rules->setRules(*rules, true);
            Q_EMIT rulesLoaded();
        });
}

void NotificationSettingsPage::addRule()
{
    AlertRule rule;
    rule.endpointId = m_ruleEndpoint->currentEndpoint();
    if (rule.endpointId.isNull())
        return;
    rule.metric = m_metric->currentText();
    rule.comparator = m_comparator->currentText();
    rule.threshold = m_threshold->value();
    rule.forSeconds = m_forSeconds->value();
    rule.severity = NotificationSeverity(m_ruleSeverity->currentData().toInt());
    m_addRule->setEnabled(false);
    m_ruleError->showProblem({});
    m_client.call(
        this, [rule](ControlPlane &plane) { return plane.notifier()->addAlertRule(rule); },
        [this, endpointId = rule.endpointId](const Result<AlertRule> &added) {
            m_addRule->setEnabled(!m_rulesOf.isNull());
            if (!added)
                m_ruleError->showProblem(problem(added.error()));
            if (endpointId == m_rulesOf)
                showRules(endpointId);
        });
}

void NotificationSettingsPage::ruleSelectionChanged()
{
    m_removeRule->setEnabled(m_ruleTable->selectionModel()->selectedRows().size() == 1);
}

void NotificationSettingsPage::removeSelectedRule()
{
    const QModelIndexList rows = m_ruleTable->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return;
    const QString ruleId = rows.first().data(AlertRuleListModel::IdRole).toString();
    const QUuid endpointId = m_rulesOf;
    m_ruleError->showProblem({});
    m_client.call(
        this, [endpointId, ruleId](ControlPlane &plane) { return plane.notifier()->removeAlertRule(endpointId, ruleId); },
        [this, endpointId](const Result<Done> &removed) {
            if (!removed)
                m_ruleError->showProblem(problem(removed.error()));
            if (endpointId == m_rulesOf)
                showRules(endpointId);
        });
}

} // namespace ServeDeck
