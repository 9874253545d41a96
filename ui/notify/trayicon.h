#pragma once

#include <QList>
#include <QObject>

#include "notify/notificationtypes.h"

class QMenu;
class QSystemTrayIcon;

namespace ServeDeck {

class EndpointListModel;

// The console's tray icon, where the desktop has a tray: the endpoints' health in its tooltip,
// and a menu to show the window, open one of the last notifications, reach the notification
// settings, or quit. (A click on a balloon is DesktopNotifier's: it showed it.)
class TrayIcon final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayIcon)

public:
    // How many notifications the menu lists, newest first.
    static constexpr int RecentCount = 5;

    explicit TrayIcon(const EndpointListModel &endpoints, QObject *parent = nullptr);
    ~TrayIcon() override;

    QSystemTrayIcon *icon() const { return m_icon; }
    const QList<NotificationEvent> &recent() const { return m_recent; }
    void remember(const NotificationEvent &event);
    // "ServeDeck: 3 endpoints, 2 healthy".
    QString toolTip() const;

Q_SIGNALS:
    void showWindowRequested();
    void openRequested(const ServeDeck::NotificationEvent &event);
    void settingsRequested();
    void quitRequested();

private:
    void rebuildMenu();
    void updateToolTip();

    const EndpointListModel &m_endpoints;
    QSystemTrayIcon *m_icon;
    QMenu *m_menu;
    QList<NotificationEvent> m_recent;  // newest first
};

} // namespace ServeDeck
