#include "desktopnotifier.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QLoggingCategory>
#include <QSystemTrayIcon>
#include <QVariantMap>

Q_LOGGING_CATEGORY(lcDesktopNotify, "servedeck.ui.notify")

namespace ServeDeck {

namespace {

const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
const QString kInterface = QStringLiteral("org.freedesktop.Notifications");
const QString kDefaultAction = QStringLiteral("default");
// The .desktop file's name (packaging/), so the desktop shows the console's icon and groups its
// notifications under it.
const QString kDesktopEntry = QStringLiteral("io.servedeck.ServeDeck");

// The specification's urgency levels; a critical one stays until the operator closes it.
uchar urgency(NotificationSeverity severity)
{
    switch (severity) {
    case NotificationSeverity::Info:
        return 0;
    case NotificationSeverity::Warning:
        return 1;
    case NotificationSeverity::Critical:
        return 2;
    }
    return 1;
}

int expireTimeoutMs(NotificationSeverity severity)
{
    // Long enough to be read when it appears while the operator types elsewhere.
    return severity == NotificationSeverity::Critical ? 0 : 15000;
}

QString bodyOf(const NotificationEvent &event)
{
    QString body = event.text;
    if (event.count > 1)
        body += QStringLiteral(" ×%1").arg(event.count);
    return body;
}

QSystemTrayIcon::MessageIcon trayIcon(NotificationSeverity severity)
{
    switch (severity) {
    case NotificationSeverity::Info:
        return QSystemTrayIcon::Information;
    case NotificationSeverity::Warning:
        return QSystemTrayIcon::Warning;
    case NotificationSeverity::Critical:
        return QSystemTrayIcon::Critical;
    }
    return QSystemTrayIcon::Warning;
}

} // namespace

DesktopNotifier::DesktopNotifier(QObject *parent)
    : DesktopNotifier(QDBusConnection::sessionBus(), parent)
{
}

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    if (!m_bus.isConnected())
        return;
    // Any sender here, checked in the slots against the one that answered Notify: naming the
    // service would make QtDBus look its owner up with a blocking call.
    m_bus.connect(QString(), kPath, kInterface, QStringLiteral("ActionInvoked"), this,
                  SLOT(actionInvoked(uint, QString)));
    m_bus.connect(QString(), kPath, kInterface, QStringLiteral("NotificationClosed"), this,
                  SLOT(notificationClosed(uint, uint)));
}

DesktopNotifier::~DesktopNotifier() = default;

void DesktopNotifier::setTray(QSystemTrayIcon *tray)
{
    if (m_tray)
        disconnect(m_tray, nullptr, this, nullptr);
    m_tray = tray;
    if (m_tray) {
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            if (!m_trayEvent.kind.isEmpty())
                Q_EMIT openRequested(m_trayEvent);
        });
    }
}

void DesktopNotifier::show(const NotificationEvent &event)
{
    if (!m_bus.isConnected()) {
        fallBack(event, QStringLiteral("no session bus"));
        return;
    }
    QDBusMessage notify = QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("Notify"));
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(urgency(event.severity)));
    hints.insert(QStringLiteral("desktop-entry"), kDesktopEntry);
    // Servers that render markup in the body would otherwise render what an event quotes.
    notify << tr("ServeDeck") << uint(0) << QString() << event.title << bodyOf(event).toHtmlEscaped()
           << QStringList{kDefaultAction, tr("Open")} << hints << expireTimeoutMs(event.severity);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(notify), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, event] {
        watcher->deleteLater();
        const QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError()) {
            fallBack(event, reply.error().name());
            return;
        }
        m_serviceOwner = reply.reply().service();
        remember(reply.value(), event);
        Q_EMIT shown(reply.value());
    });
}

void DesktopNotifier::remember(uint id, const NotificationEvent &event)
{
    if (!m_events.contains(id))
        m_order.append(id);
    m_events.insert(id, event);
    while (m_order.size() > MaxRemembered)
        m_events.remove(m_order.takeFirst());
}

void DesktopNotifier::fallBack(const NotificationEvent &event, const QString &why)
{
    const bool tray = m_tray && m_tray->isVisible() && QSystemTrayIcon::isSystemTrayAvailable();
    if (!m_fallbackLogged) {
        m_fallbackLogged = true;
        if (tray)
            qCInfo(lcDesktopNotify, "no desktop notification service (%s): notifications go to the tray icon",
                   qPrintable(why));
        else
            qCInfo(lcDesktopNotify, "no desktop notification service (%s) and no tray: desktop notifications are not shown",
                   qPrintable(why));
    }
    if (!tray) {
        Q_EMIT dropped(event);
        return;
    }
    m_trayEvent = event;
    m_tray->showMessage(event.title, bodyOf(event), trayIcon(event.severity));
    Q_EMIT shown(0);
}

bool DesktopNotifier::fromService() const
{
    // A signal from another program on the bus cannot open the console's views.
    return calledFromDBus() && !m_serviceOwner.isEmpty() && message().service() == m_serviceOwner;
}

void DesktopNotifier::actionInvoked(uint id, const QString &action)
{
    if (!fromService() || !m_events.contains(id))
        return;
    // "default" is the click on the notification itself; it is the only action offered.
    if (action == kDefaultAction)
        Q_EMIT openRequested(m_events.value(id));
}

void DesktopNotifier::notificationClosed(uint id, uint reason)
{
    Q_UNUSED(reason)
    if (!fromService())
        return;
    if (m_events.remove(id))
        m_order.removeOne(id);
}

} // namespace ServeDeck
