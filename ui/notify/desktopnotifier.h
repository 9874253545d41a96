#pragma once

#include <QDBusConnection>
#include <QDBusContext>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include "notify/notificationtypes.h"

class QSystemTrayIcon;

namespace ServeDeck {

// Shows the plane's desktop notifications through the freedesktop notification service
// (org.freedesktop.Notifications) and tells which one the operator clicked. Without that
// service it falls back to the tray icon's balloon, or shows nothing; it says so once in the log.
// Every D-Bus call is asynchronous: the GUI thread never waits on the bus.
class DesktopNotifier final : public QObject, protected QDBusContext
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DesktopNotifier)

public:
    // Notifications shown and still remembered for their click; the oldest is forgotten first
    // (a server that never closes them must not grow this without bound).
    static constexpr int MaxRemembered = 100;

    // On the session bus.
    explicit DesktopNotifier(QObject *parent = nullptr);
    // On `bus` (tests: a private bus).
    explicit DesktopNotifier(const QDBusConnection &bus, QObject *parent = nullptr);
    ~DesktopNotifier() override;

    // Where the balloon goes without a notification service; null: nowhere. Not owned.
    void setTray(QSystemTrayIcon *tray);

    void show(const ServeDeck::NotificationEvent &event);

    // How many notifications wait for a click (shown, not yet closed).
    int remembered() const { return int(m_events.size()); }

Q_SIGNALS:
    // The operator clicked the notification (or its Open action).
    void openRequested(const ServeDeck::NotificationEvent &event);
    // The service took it: its id (0 when it went to the tray), for tests and the log.
    void shown(uint id);
    // Neither the service nor a tray took it.
    void dropped(const ServeDeck::NotificationEvent &event);

private Q_SLOTS:
    void actionInvoked(uint id, const QString &action);
    void notificationClosed(uint id, uint reason);

private:
    void remember(uint id, const NotificationEvent &event);
    void fallBack(const NotificationEvent &event, const QString &why);
    bool fromService() const;

    QDBusConnection m_bus;
    QString m_serviceOwner;  // the unique name that answered Notify; only its signals count
    QHash<uint, NotificationEvent> m_events;
    QList<uint> m_order;  // oldest first
    QPointer<QSystemTrayIcon> m_tray;
    NotificationEvent m_trayEvent;  // the last balloon, for its click
    bool m_fallbackLogged = false;
};

} // namespace ServeDeck
