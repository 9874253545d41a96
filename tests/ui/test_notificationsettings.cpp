// Settings > Notifications, driven by clicks against a real plane: a webhook channel added
// through the Add dialog (its secret never shown back), its Test answered by a receiver this
// test runs on loopback and listed as a delivery; a bad URL refused with the plane's typed error
// and nothing stored; Remove asks first, then the plane forgets the channel; an endpoint's alert
// rules added and removed. Screenshots of the page and the dialog for the README.
#include <algorithm>
#include <memory>
#include <optional>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include "http/httpserver.h"
#include "notify/notifier.h"
#include "plane/controlclient.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/common/prompt.h"
#include "ui/common/settingsdialog.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/notify/alertrulelistmodel.h"
#include "ui/notify/channeldialog.h"
#include "ui/notify/channellistmodel.h"
#include "ui/notify/deliverylistmodel.h"
#include "ui/notify/notificationsettingspage.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// A webhook's answer and the deliveries it makes come within a few seconds; this bounds each wait.
constexpr int kWaitMs = 20000;
const QString kSecret = u"s3cret-signing-key"_s;

} // namespace

class TestNotificationSettings final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void webhookAddedByClicksAndTested();
    void badUrlIsRefusedAndNothingIsStored();
    void channelsChangedElsewhereShowWhenThePageComesUp();
    void removeAsksThenTheChannelIsGone();
    void alertRulesAreAddedAndRemoved();

private:
    // The plane's channels, asked through the client as the console asks.
    Result<QList<NotificationChannel>> coreChannels();
    Result<QList<AlertRule>> coreRules(const QUuid &endpointId);
    ChannelDialog *openAddDialog();
    NotificationSettingsPage *page() const { return m_dialog->notificationsPage(); }

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<ControlClient> m_client;
    std::unique_ptr<EndpointListModel> m_endpoints;
    std::unique_ptr<SettingsDialog> m_dialog;
    std::unique_ptr<HttpServer> m_receiver;
    QList<HttpRequest> m_received;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    Endpoint m_endpoint;
};

void TestNotificationSettings::initTestCase()
{
    const QByteArray failed = UiTest::startPlane(m_dataDir, m_plane);
    QVERIFY2(failed.isEmpty(), failed.constData());
    m_endpoint = UiTest::create(m_plane->service(), u"fraud-detector"_s);
    m_client = std::make_unique<ControlClient>(*m_plane);
    m_endpoints = std::make_unique<EndpointListModel>(*m_client);
    QTRY_COMPARE(m_endpoints->rowCount(), 1);

    m_receiver = std::make_unique<HttpServer>([this](const HttpRequest &request) {
        m_received.append(request);
        return HttpResponse::text(200, "ok");
    });
    QVERIFY(m_receiver->listen(QHostAddress::LocalHost, 0));

    m_dialog = std::make_unique<SettingsDialog>(nullptr, m_client.get(), m_endpoints.get());
    QVERIFY(page());
    for (QAbstractItemModel *model : {static_cast<QAbstractItemModel *>(page()->channelModel()),
                                      static_cast<QAbstractItemModel *>(page()->deliveryModel()),
                                      static_cast<QAbstractItemModel *>(page()->ruleModel())}) {
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
            model, QAbstractItemModelTester::FailureReportingMode::QtTest));
    }
    m_dialog->showPage(SettingsDialog::Page::Notifications);
    QCOMPARE(m_dialog->pages()->currentWidget(), page());
    QCOMPARE(m_dialog->pages()->tabText(int(SettingsDialog::Page::Notifications)), u"Notifications"_s);
    m_dialog->resize(980, 760);
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
}

void TestNotificationSettings::cleanupTestCase()
{
    m_testers.clear();
    m_dialog.reset();
    m_endpoints.reset();
    m_client.reset();
    m_plane.reset();
    m_receiver.reset();
    UiTest::clearSettings();
}

Result<QList<NotificationChannel>> TestNotificationSettings::coreChannels()
{
    std::optional<Result<QList<NotificationChannel>>> answer;
    m_client->call(
        this, [](ControlPlane &plane) { return plane.notifier()->channels(); },
        [&answer](const Result<QList<NotificationChannel>> &channels) { answer = channels; });
    // This client's plane runs on this thread: the answer is in before call() returns.
    return answer ? *answer : makeError(ErrorType::InvalidArgument, u"the client did not answer"_s);
}

Result<QList<AlertRule>> TestNotificationSettings::coreRules(const QUuid &endpointId)
{
    std::optional<Result<QList<AlertRule>>> answer;
    m_client->call(
        this, [endpointId](ControlPlane &plane) { return plane.notifier()->alertRules(endpointId); },
        [&answer](const Result<QList<AlertRule>> &rules) { answer = rules; });
    return answer ? *answer : makeError(ErrorType::InvalidArgument, u"the client did not answer"_s);
}

ChannelDialog *TestNotificationSettings::openAddDialog()
{
    QTest::mouseClick(page()->addChannelButton(), Qt::LeftButton);
    ChannelDialog *dialog = page()->channelDialog();
    return dialog && QTest::qWaitForWindowExposed(dialog) ? dialog : nullptr;
}

void TestNotificationSettings::webhookAddedByClicksAndTested()
{
    ChannelDialog *dialog = openAddDialog();
    QVERIFY(dialog);
    QTest::keyClicks(dialog->nameField(), u"on-call"_s);
    // A command's fields: a program and its arguments, one a line.
    dialog->kindBox()->setCurrentIndex(dialog->kindBox()->findData(int(ChannelKind::Command)));
    QVERIFY(dialog->programField()->isVisible());
    QVERIFY(!dialog->urlField()->isVisible());
    QTest::keyClicks(dialog->programField(), u"/usr/local/bin/page-oncall"_s);
    dialog->argumentsField()->setPlainText(u"--team\nserving"_s);
    const QString command = UiTest::saveScreenshot(*dialog, u"notification-channel-dialog-command"_s);
    QVERIFY2(command.isEmpty(), qPrintable(command));
    dialog->kindBox()->setCurrentIndex(dialog->kindBox()->findData(int(ChannelKind::Webhook)));
    QVERIFY(dialog->urlField()->isVisible());
    QVERIFY(!dialog->programField()->isVisible());
    QTest::keyClicks(dialog->urlField(), u"http://127.0.0.1:%1/hook"_s.arg(m_receiver->serverPort()));
    QTest::keyClicks(dialog->secretField(), kSecret);
    QCOMPARE(dialog->secretField()->echoMode(), QLineEdit::Password);
    dialog->quietPeriodBox()->setValue(0);
    const QString failed = UiTest::saveScreenshot(*dialog, u"notification-channel-dialog"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    QTest::mouseClick(dialog->addButton(), Qt::LeftButton);

    // Accepted: the dialog goes, the row comes (selected), the plane has it with its secret.
    QTRY_VERIFY_WITH_TIMEOUT(!page()->channelDialog(), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(page()->channelModel()->rowCount(), 1, kWaitMs);
    const auto channels = coreChannels();
    QVERIFY2(channels, channels ? "" : UiTest::why(channels.error()).constData());
    QCOMPARE(channels->size(), 1);
    const NotificationChannel stored = channels->first();
    QCOMPARE(stored.name, u"on-call"_s);
    QCOMPARE(stored.kind, ChannelKind::Webhook);
    QCOMPARE(stored.url.port(), int(m_receiver->serverPort()));
    QVERIFY(stored.hasSecret);
    // The secret is never shown back.
    for (int column = 0; column < ChannelListModel::ColumnCount; ++column) {
        for (const int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)})
            QVERIFY(!page()->channelModel()->index(0, column).data(role).toString().contains(kSecret));
    }
    QTRY_COMPARE(page()->channelTable()->selectionModel()->selectedRows().size(), 1);

    // Test: the receiver gets the sample, and its delivery is listed.
    QVERIFY(page()->testButton()->isEnabled());
    QTest::mouseClick(page()->testButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(m_received.size(), 1, kWaitMs);
    const HttpRequest &request = m_received.first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/hook"));
    const QJsonObject payload = QJsonDocument::fromJson(request.body).object();
    QVERIFY2(!payload.value(u"text"_s).toString().isEmpty(), request.body.constData());
    QTRY_VERIFY_WITH_TIMEOUT(page()->deliveryModel()->rowCount() >= 1, kWaitMs);
    const QModelIndex newest = page()->deliveryModel()->index(0, DeliveryListModel::Channel);
    QCOMPARE(newest.data().toString(), u"on-call"_s);
    QVERIFY(newest.data(DeliveryListModel::OkRole).toBool());
    QVERIFY(page()->testResultLabel()->isVisible());
    QVERIFY(!page()->channelErrorLabel()->isVisible());
    const QString shot = UiTest::saveScreenshot(*m_dialog, u"settings-notifications"_s);
    QVERIFY2(shot.isEmpty(), qPrintable(shot));
}

void TestNotificationSettings::badUrlIsRefusedAndNothingIsStored()
{
    const auto before = coreChannels();
    QVERIFY2(before, before ? "" : UiTest::why(before.error()).constData());
    ChannelDialog *dialog = openAddDialog();
    QVERIFY(dialog);
    QTest::keyClicks(dialog->nameField(), u"not-http"_s);
    dialog->kindBox()->setCurrentIndex(dialog->kindBox()->findData(int(ChannelKind::Webhook)));
    QTest::keyClicks(dialog->urlField(), u"ftp://127.0.0.1/hook"_s);
    QSignalSpy answered(dialog, &ChannelDialog::answered);
    QTest::mouseClick(dialog->addButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 1, kWaitMs);
    QCOMPARE(answered.first().first().toBool(), false);
    QVERIFY(dialog->errorLabel()->isVisible());
    QVERIFY2(dialog->errorLabel()->text().startsWith(u"InvalidArgument: "_s), qPrintable(dialog->errorLabel()->text()));
    // The dialog stays for a fix; the plane stored nothing.
    QVERIFY(dialog->isVisible());
    const auto after = coreChannels();
    QVERIFY2(after, after ? "" : UiTest::why(after.error()).constData());
    QCOMPARE(after->size(), before->size());
    const QString failed = UiTest::saveScreenshot(*dialog, u"notification-channel-dialog-refused"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    dialog->reject();
    QTRY_VERIFY(!page()->channelDialog());
}

// As `ctl notifications add` would: the page asks again each time it is shown.
void TestNotificationSettings::channelsChangedElsewhereShowWhenThePageComesUp()
{
    QCOMPARE(page()->channelModel()->rowCount(), 1);
    NotificationChannel command;
    command.name = u"pager"_s;
    command.kind = ChannelKind::Command;
    command.argv = {u"/bin/true"_s};
    const auto added = m_plane->notifier()->addChannel(command);
    QVERIFY2(added, added ? "" : UiTest::why(added.error()).constData());
    m_dialog->showPage(SettingsDialog::Page::General);
    m_dialog->showPage(SettingsDialog::Page::Notifications);
    QTRY_COMPARE(page()->channelModel()->rowCount(), 2);
    QCOMPARE(page()->channelModel()->index(page()->channelModel()->rowOf(added->id), ChannelListModel::Target).data().toString(),
             u"/bin/true"_s);

    const auto removed = m_plane->notifier()->removeChannel(added->id);
    QVERIFY2(removed, removed ? "" : UiTest::why(removed.error()).constData());
    m_dialog->showPage(SettingsDialog::Page::General);
    m_dialog->showPage(SettingsDialog::Page::Notifications);
    QTRY_COMPARE(page()->channelModel()->rowCount(), 1);
}

void TestNotificationSettings::removeAsksThenTheChannelIsGone()
{
    QTRY_COMPARE(page()->channelModel()->rowCount(), 1);
    page()->channelTable()->selectRow(0);
    const QString id = page()->channelModel()->channel(0).id;

    Prompt::setNextConfirmation(false);
    QTest::mouseClick(page()->removeChannelButton(), Qt::LeftButton);
    auto kept = coreChannels();
    QVERIFY2(kept, kept ? "" : UiTest::why(kept.error()).constData());
    QCOMPARE(kept->size(), 1);

    Prompt::setNextConfirmation(true);
    QTest::mouseClick(page()->removeChannelButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(page()->channelModel()->rowCount(), 0, kWaitMs);
    const auto left = coreChannels();
    QVERIFY2(left, left ? "" : UiTest::why(left.error()).constData());
    QVERIFY(std::none_of(left->begin(), left->end(), [&id](const NotificationChannel &c) { return c.id == id; }));
    QVERIFY(!page()->testButton()->isEnabled());
}

void TestNotificationSettings::alertRulesAreAddedAndRemoved()
{
    page()->ruleEndpointSelector()->setCurrentEndpoint(m_endpoint.id);
    page()->ruleMetricBox()->setCurrentText(u"p95_ms"_s);
    page()->ruleComparatorBox()->setCurrentText(u">"_s);
    page()->ruleThresholdBox()->setValue(200);
    page()->ruleForBox()->setValue(60);
    QTest::mouseClick(page()->addRuleButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(page()->ruleModel()->rowCount(), 1, kWaitMs);
    QCOMPARE(page()->ruleModel()->index(0, AlertRuleListModel::Condition).data().toString(), u"p95_ms > 200"_s);
    auto rules = coreRules(m_endpoint.id);
    QVERIFY2(rules, rules ? "" : UiTest::why(rules.error()).constData());
    QCOMPARE(rules->size(), 1);
    QCOMPARE(rules->first().threshold, 200.0);
    QCOMPARE(rules->first().forSeconds, 60);

    // A threshold below zero: the plane's typed error, nothing stored.
    page()->ruleThresholdBox()->setValue(-5);
    QTest::mouseClick(page()->addRuleButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page()->ruleErrorLabel()->isVisible(), kWaitMs);
    QVERIFY2(page()->ruleErrorLabel()->text().startsWith(u"InvalidArgument: "_s),
             qPrintable(page()->ruleErrorLabel()->text()));
    rules = coreRules(m_endpoint.id);
    QVERIFY2(rules, rules ? "" : UiTest::why(rules.error()).constData());
    QCOMPARE(rules->size(), 1);

    page()->ruleTable()->selectRow(0);
    QVERIFY(page()->removeRuleButton()->isEnabled());
    QTest::mouseClick(page()->removeRuleButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(page()->ruleModel()->rowCount(), 0, kWaitMs);
    rules = coreRules(m_endpoint.id);
    QVERIFY2(rules, rules ? "" : UiTest::why(rules.error()).constData());
    QVERIFY(rules->isEmpty());
}

QTEST_MAIN(TestNotificationSettings)
#include "test_notificationsettings.moc"
