// Desktop notifications against a notification service owned by this test, on a private
// session bus (a real dbus-daemon): what the console sends (summary, body, the Open action,
// urgency), what a click on it opens in the window, that only the service's own signals count,
// and what happens without a service. The last case runs the whole chain: a replica really
// crashes, the plane's Notifier raises it for a Desktop channel, the notification arrives, and
// its action opens the error record in the Errors view.
#include <csignal>
#include <memory>

#include <QComboBox>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QProcess>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QVariantMap>

#include <sys/types.h>

#include "notify/notifier.h"
#include "plane/controlclient.h"
#include "ui/common/endpointselector.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/errors/errorbrowserview.h"
#include "ui/errors/errorfiltermodel.h"
#include "ui/errors/errorlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/notify/desktopnotifier.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

const QString kService = u"org.freedesktop.Notifications"_s;
const QString kPath = u"/org/freedesktop/Notifications"_s;
const QString kInterface = u"org.freedesktop.Notifications"_s;
// Replicas start and the plane notices a crash within seconds; this bounds each wait.
constexpr int kWaitMs = 30000;

} // namespace

// The desktop's notification service, as far as the console uses it: it records each Notify
// and can send the signals a real one sends when the operator clicks or closes a notification.
class FakeNotificationService final : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    struct Call
    {
        QString app;
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
        int expireTimeout = -1;
        uint id = 0;
    };

    explicit FakeNotificationService(const QDBusConnection &bus)
        : m_bus(bus)
    {
    }

    QList<Call> calls;

    void emitSignal(const QString &name, uint id, const QVariant &second)
    {
        QDBusMessage signal = QDBusMessage::createSignal(kPath, kInterface, name);
        signal << id << second;
        m_bus.send(signal);
    }

public Q_SLOTS:
    uint Notify(const QString &app, uint replacesId, const QString &icon, const QString &summary, const QString &body,
                const QStringList &actions, const QVariantMap &hints, int expireTimeout)
    {
        Q_UNUSED(replacesId)
        Q_UNUSED(icon)
        calls.append({app, summary, body, actions, hints, expireTimeout, ++m_lastId});
        Q_EMIT notified();
        return m_lastId;
    }
    QStringList GetCapabilities() { return {u"actions"_s, u"body"_s, u"body-markup"_s}; }
    void CloseNotification(uint id) { emitSignal(u"NotificationClosed"_s, id, 3u); }

Q_SIGNALS:
    void notified();

private:
    QDBusConnection m_bus;
    uint m_lastId = 0;
};

class TestDesktopNotifications final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void notifyCarriesTheEvent();
    void clickOpensTheEventOnlyFromTheService();
    void rememberedNotificationsAreBounded();
    void withoutAServiceNothingIsShownAndTheLogSaysSo();
    void openEventShowsTheRightView_data();
    void openEventShowsTheRightView();
    void crashedReplicaNotifiesAndOpensItsError();

private:
    NotificationEvent sample(NotificationSeverity severity, int count) const;
    bool registerService();

    QProcess m_daemon;
    QString m_address;
    std::unique_ptr<FakeNotificationService> m_service;
    UiTest::ServingPlane m_plane;
};

void TestDesktopNotifications::initTestCase()
{
    // A private session bus: the suite never reaches the desktop's own.
    m_daemon.start(u"dbus-daemon"_s, {u"--session"_s, u"--print-address"_s, u"--nofork"_s});
    QVERIFY2(m_daemon.waitForStarted(10000), qPrintable(m_daemon.errorString()));
    QElapsedTimer waited;
    waited.start();
    while (!m_daemon.canReadLine() && waited.elapsed() < 10000)
        m_daemon.waitForReadyRead(1000);
    m_address = QString::fromUtf8(m_daemon.readLine()).trimmed();
    QVERIFY2(!m_address.isEmpty(), "dbus-daemon printed no address");

    QDBusConnection server = QDBusConnection::connectToBus(m_address, u"notification-service"_s);
    QVERIFY2(server.isConnected(), qPrintable(server.lastError().message()));
    m_service = std::make_unique<FakeNotificationService>(server);
    QVERIFY(server.registerObject(kPath, m_service.get(), QDBusConnection::ExportAllSlots));
    QVERIFY(registerService());

    const QByteArray started = m_plane.start();
    QVERIFY2(started.isEmpty(), started.constData());
}

void TestDesktopNotifications::cleanupTestCase()
{
    m_plane.reset();
    for (const QString &name : {u"notification-service"_s, u"console"_s, u"intruder"_s, u"nobody"_s})
        QDBusConnection::disconnectFromBus(name);
    m_service.reset();
    m_daemon.terminate();
    QVERIFY(m_daemon.waitForFinished(10000));
}

void TestDesktopNotifications::init()
{
    m_service->calls.clear();
}

bool TestDesktopNotifications::registerService()
{
    return QDBusConnection(u"notification-service"_s).registerService(kService);
}

NotificationEvent TestDesktopNotifications::sample(NotificationSeverity severity, int count) const
{
    NotificationEvent e;
    e.kind = u"Crashed"_s;
    e.severity = severity;
    e.time = QDateTime::currentDateTimeUtc();
    e.lastTime = e.time;
    e.count = count;
    e.endpointId = QUuid::createUuid();
    e.endpointName = u"fraud-detector"_s;
    e.title = u"Replica crashed on fraud-detector"_s;
    e.text = u"replica local:1:2 exited on SIGKILL <b>"_s;
    return e;
}

void TestDesktopNotifications::notifyCarriesTheEvent()
{
    const QDBusConnection bus = QDBusConnection::connectToBus(m_address, u"console"_s);
    QVERIFY(bus.isConnected());
    DesktopNotifier notifier(bus);
    QSignalSpy shown(&notifier, &DesktopNotifier::shown);

    notifier.show(sample(NotificationSeverity::Critical, 20));
    QVERIFY(shown.wait(kWaitMs));
    QCOMPARE(m_service->calls.size(), 1);
    const FakeNotificationService::Call &call = m_service->calls.first();
    QCOMPARE(shown.first().first().toUInt(), call.id);
    QCOMPARE(call.app, u"ServeDeck"_s);
    QCOMPARE(call.summary, u"Replica crashed on fraud-detector"_s);
    // The text with its count, the markup it quotes escaped (the service renders markup).
    QCOMPARE(call.body, u"replica local:1:2 exited on SIGKILL &lt;b&gt; ×20"_s);
    QCOMPARE(call.actions, (QStringList{u"default"_s, u"Open"_s}));
    QCOMPARE(call.hints.value(u"urgency"_s).toInt(), 2);
    QCOMPARE(call.hints.value(u"desktop-entry"_s).toString(), u"io.servedeck.ServeDeck"_s);
    QCOMPARE(call.expireTimeout, 0);  // a critical one stays until closed

    notifier.show(sample(NotificationSeverity::Info, 1));
    QVERIFY(shown.wait(kWaitMs));
    QCOMPARE(m_service->calls.size(), 2);
    QCOMPARE(m_service->calls.last().hints.value(u"urgency"_s).toInt(), 0);
    QVERIFY(m_service->calls.last().expireTimeout > 0);
    QVERIFY(!m_service->calls.last().body.contains(u'×'));
    QCOMPARE(notifier.remembered(), 2);
}

void TestDesktopNotifications::clickOpensTheEventOnlyFromTheService()
{
    const QDBusConnection bus = QDBusConnection::connectToBus(m_address, u"console"_s);
    DesktopNotifier notifier(bus);
    QSignalSpy shown(&notifier, &DesktopNotifier::shown);
    QSignalSpy opened(&notifier, &DesktopNotifier::openRequested);
    const NotificationEvent event = sample(NotificationSeverity::Warning, 1);
    notifier.show(event);
    QVERIFY(shown.wait(kWaitMs));
    const uint id = m_service->calls.last().id;

    // Another program on the bus sends the same signal: it opens nothing. A call it then makes
    // to the bus returns after the bus has routed that signal, so the service's own signal,
    // sent next, reaches the console after it.
    QDBusConnection intruder = QDBusConnection::connectToBus(m_address, u"intruder"_s);
    QVERIFY(intruder.isConnected());
    QDBusMessage spoof = QDBusMessage::createSignal(kPath, kInterface, u"ActionInvoked"_s);
    spoof << id << u"default"_s;
    QVERIFY(intruder.send(spoof));
    QVERIFY(intruder.interface()->isServiceRegistered(kService).value());

    m_service->emitSignal(u"ActionInvoked"_s, id, u"default"_s);
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(opened.size(), 1);
    const auto openedEvent = opened.first().first().value<NotificationEvent>();
    QCOMPARE(openedEvent.endpointId, event.endpointId);
    QCOMPARE(openedEvent.title, event.title);

    // Closed, it is forgotten: a late click on it opens nothing.
    m_service->emitSignal(u"NotificationClosed"_s, id, 2u);
    QTRY_COMPARE_WITH_TIMEOUT(notifier.remembered(), 0, kWaitMs);
}

// A service that never closes its notifications must not grow what the console keeps: the
// oldest is forgotten, and a click on it opens nothing.
void TestDesktopNotifications::rememberedNotificationsAreBounded()
{
    const QDBusConnection bus = QDBusConnection::connectToBus(m_address, u"console"_s);
    DesktopNotifier notifier(bus);
    QSignalSpy shown(&notifier, &DesktopNotifier::shown);
    QSignalSpy opened(&notifier, &DesktopNotifier::openRequested);
    const int count = DesktopNotifier::MaxRemembered + 5;
    for (int i = 0; i < count; ++i) {
        NotificationEvent event = sample(NotificationSeverity::Info, 1);
        event.title = u"event %1"_s.arg(i);
        notifier.show(event);
    }
    QTRY_COMPARE_WITH_TIMEOUT(int(shown.size()), count, kWaitMs);
    QCOMPARE(notifier.remembered(), DesktopNotifier::MaxRemembered);

    // The first one is forgotten; the newest still opens (in that order on the bus).
    m_service->emitSignal(u"ActionInvoked"_s, m_service->calls.first().id, u"default"_s);
    m_service->emitSignal(u"ActionInvoked"_s, m_service->calls.last().id, u"default"_s);
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(opened.first().first().value<NotificationEvent>().title, u"event %1"_s.arg(count - 1));
}

void TestDesktopNotifications::withoutAServiceNothingIsShownAndTheLogSaysSo()
{
    // A bus without the service's name on it, then no bus at all.
    QVERIFY(QDBusConnection(u"notification-service"_s).unregisterService(kService));
    {
        const QDBusConnection bus = QDBusConnection::connectToBus(m_address, u"console"_s);
        DesktopNotifier notifier(bus);
        QSignalSpy dropped(&notifier, &DesktopNotifier::dropped);
        QTest::ignoreMessage(QtInfoMsg, QRegularExpression(u"no desktop notification service .* and no tray"_s));
        notifier.show(sample(NotificationSeverity::Warning, 1));
        QVERIFY(dropped.wait(kWaitMs));
        // Said once, not for every event.
        notifier.show(sample(NotificationSeverity::Warning, 1));
        QVERIFY(dropped.wait(kWaitMs));
        QCOMPARE(dropped.size(), 2);
    }
    QVERIFY(registerService());
    QCOMPARE(m_service->calls.size(), 0);

    const QDBusConnection none = QDBusConnection::connectToBus(u"unix:path=/nonexistent/servedeck-bus"_s, u"nobody"_s);
    QVERIFY(!none.isConnected());
    DesktopNotifier notifier(none);
    QSignalSpy dropped(&notifier, &DesktopNotifier::dropped);
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(u"no desktop notification service"_s));
    notifier.show(sample(NotificationSeverity::Critical, 1));
    QCOMPARE(dropped.size(), 1);
}

void TestDesktopNotifications::openEventShowsTheRightView_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("withEndpoint");
    QTest::addColumn<int>("view");
    QTest::newRow("agent lost") << u"AgentLost"_s << false << int(MainWindow::View::Agents);
    QTest::newRow("agent rejoined") << u"AgentRejoined"_s << false << int(MainWindow::View::Agents);
    QTest::newRow("no healthy route") << u"NoHealthyRoute"_s << true << int(MainWindow::View::Detail);
    QTest::newRow("rollout rolled back") << u"RolloutRolledBack"_s << true << int(MainWindow::View::Detail);
}

void TestDesktopNotifications::openEventShowsTheRightView()
{
    QFETCH(QString, kind);
    QFETCH(bool, withEndpoint);
    QFETCH(int, view);
    // Scaled to zero: this plane runs replicas, and these need none.
    const Endpoint other = UiTest::create(m_plane->service(), u"other-"_s + kind.toLower(), u"iris-v1"_s, 0);
    const Endpoint endpoint = UiTest::create(m_plane->service(), u"open-"_s + kind.toLower(), u"iris-v1"_s, 0);
    MainWindow window(*m_plane);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_COMPARE(window.endpointModel()->rowCount(), int(m_plane->service().listEndpoints()->size()));
    window.detailView()->endpointSelector()->setCurrentEndpoint(other.id);
    window.showView(MainWindow::View::Endpoints);

    NotificationEvent event;
    event.kind = kind;
    if (withEndpoint)
        event.endpointId = endpoint.id;
    window.openEvent(event);
    QCOMPARE(int(window.currentView()), view);
    if (withEndpoint)
        QCOMPARE(window.detailView()->endpointSelector()->currentEndpoint(), endpoint.id);
}

void TestDesktopNotifications::crashedReplicaNotifiesAndOpensItsError()
{
    ControlClient client(*m_plane);
    MainWindow window(client);
    window.setNotificationBus(QDBusConnection::connectToBus(m_address, u"console"_s));
    window.resize(1100, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showView(MainWindow::View::Tokens);

    NotificationChannel desktop;
    desktop.name = u"this-desktop"_s;
    desktop.kind = ChannelKind::Desktop;
    desktop.eventKinds = {u"Crashed"_s};
    auto added = m_plane->notifier()->addChannel(desktop);
    QVERIFY2(added, added ? "" : UiTest::why(added.error()).constData());

    const Endpoint iris = m_plane.createDemo(u"crashing-iris"_s, false, 1);
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(m_plane->service(), iris.name), 1, kWaitMs);
    const auto info = m_plane->service().endpointInfo(iris.name);
    QVERIFY(info);
    const qint64 pid = info->routes.first().replicaId.split(u':').value(1).toLongLong();
    QVERIFY(pid > 0);
    QSignalSpy raised(&client, &ControlClient::notificationRaised);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);

    // The crash is recorded, raised for the Desktop channel, and shown by the service.
    QTRY_VERIFY_WITH_TIMEOUT(!m_service->calls.isEmpty(), kWaitMs);
    QVERIFY(!raised.isEmpty());
    const auto event = raised.first().first().value<NotificationEvent>();
    QCOMPARE(event.kind, u"Crashed"_s);
    QCOMPARE(event.endpointId, iris.id);
    const auto errors = m_plane->service().listErrors(iris.name, 10, u"Crashed"_s);
    QVERIFY2(errors, errors ? "" : UiTest::why(errors.error()).constData());
    QCOMPARE(errors->size(), 1);
    QCOMPARE(event.errorId, errors->first().id);
    const FakeNotificationService::Call call = m_service->calls.first();
    QCOMPARE(call.summary, event.title);
    QVERIFY2(call.body.startsWith(event.text.toHtmlEscaped()), qPrintable(call.body));

    // The operator clicks it: the window comes up on that record.
    m_service->emitSignal(u"ActionInvoked"_s, call.id, u"default"_s);
    QTRY_COMPARE_WITH_TIMEOUT(window.currentView(), MainWindow::View::Errors, kWaitMs);
    ErrorBrowserView *browser = window.errorBrowser();
    QCOMPARE(browser->endpointSelector()->currentEndpoint(), iris.id);
    QTRY_COMPARE_WITH_TIMEOUT(browser->typeFilter()->currentData().toString(), u"Crashed"_s, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(browser->table()->selectionModel()->selectedRows().size(), 1, kWaitMs);
    const QModelIndex selected = browser->filterModel()->mapToSource(browser->table()->selectionModel()->selectedRows().first());
    QCOMPARE(browser->errorModel()->record(selected.row()).id, event.errorId);
    // What the view shows is that endpoint's crashes only.
    QVERIFY(browser->filterModel()->rowCount() >= 1);
    for (int row = 0; row < browser->filterModel()->rowCount(); ++row) {
        const ErrorRecord &r = browser->errorModel()->record(browser->filterModel()->mapToSource(browser->filterModel()->index(row, 0)).row());
        QCOMPARE(r.endpointId, iris.id);
        QCOMPARE(r.type, u"Crashed"_s);
    }
    auto removed = m_plane->notifier()->removeChannel(added->id);
    QVERIFY2(removed, removed ? "" : UiTest::why(removed.error()).constData());
}

QTEST_MAIN(TestDesktopNotifications)
#include "test_desktopnotifications.moc"
