#include "trayicon.h"

#include <QApplication>
#include <QMenu>
#include <QStyle>
#include <QSystemTrayIcon>

#include "ui/common/displayformat.h"
#include "ui/endpoints/endpointlistmodel.h"

namespace ServeDeck {

TrayIcon::TrayIcon(const EndpointListModel &endpoints, QObject *parent)
    : QObject(parent)
    , m_endpoints(endpoints)
    , m_icon(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
{
    QIcon icon = QApplication::windowIcon();
    if (icon.isNull())
        icon = QApplication::style()->standardIcon(QStyle::SP_ComputerIcon);
    m_icon->setIcon(icon);
    m_icon->setContextMenu(m_menu);
    // Made when shown, so its texts follow the language and the recent list.
    connect(m_menu, &QMenu::aboutToShow, this, &TrayIcon::rebuildMenu);
    rebuildMenu();
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger)
            Q_EMIT showWindowRequested();
    });
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(&m_endpoints, signal, this, &TrayIcon::updateToolTip);
    connect(&m_endpoints, &QAbstractItemModel::modelReset, this, &TrayIcon::updateToolTip);
    connect(&m_endpoints, &QAbstractItemModel::dataChanged, this, &TrayIcon::updateToolTip);
    updateToolTip();
    m_icon->show();
}

// The menu has no parent widget (a tray menu must not close with a window): deleted here.
TrayIcon::~TrayIcon()
{
    delete m_menu;
}

void TrayIcon::remember(const NotificationEvent &event)
{
    m_recent.prepend(event);
    while (m_recent.size() > RecentCount)
        m_recent.removeLast();
}

QString TrayIcon::toolTip() const
{
    int healthy = 0;
    const int count = m_endpoints.rowCount();
    for (int row = 0; row < count; ++row) {
        if (m_endpoints.info(row).status == EndpointStatus::Healthy)
            ++healthy;
    }
    return tr("ServeDeck: %1 endpoints, %2 healthy").arg(count).arg(healthy);
}

void TrayIcon::updateToolTip()
{
    m_icon->setToolTip(toolTip());
}

void TrayIcon::rebuildMenu()
{
    m_menu->clear();
    m_menu->addAction(tr("Show ServeDeck"), this, &TrayIcon::showWindowRequested);
    m_menu->addSeparator();
    if (m_recent.isEmpty()) {
        m_menu->addAction(tr("No notifications yet"))->setEnabled(false);
    }
    for (const NotificationEvent &event : std::as_const(m_recent)) {
        const QString text = event.count > 1 ? tr("%1 ×%2 (%3)").arg(event.title).arg(event.count).arg(
                                                   DisplayFormat::time(event.lastTime))
                                             : tr("%1 (%2)").arg(event.title, DisplayFormat::time(event.time));
        m_menu->addAction(text, this, [this, event] { Q_EMIT openRequested(event); });
    }
    m_menu->addSeparator();
    m_menu->addAction(tr("Notification settings…"), this, &TrayIcon::settingsRequested);
    m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
}

} // namespace ServeDeck
