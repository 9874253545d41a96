#pragma once

#include <QColor>
#include <QObject>
#include <QString>

namespace ServeDeck {

// The console's colours by what they mean, each with a light and a dark value; views ask for a
// role, never write a colour. Without a `dark` argument the value follows the application's
// palette (Appearance's theme), so call it when painting or applying, not once at start-up.
class Theme final
{
    Q_GADGET

public:
    enum class Role {
        // Messages and marks in forms and tables
        Error,
        Warning,
        Success,
        Muted,
        // An endpoint's status
        StatusHealthy,
        StatusDegraded,
        StatusUnhealthy,
        StatusProvisioning,
        StatusInactive,
        // A route's status in the charts
        RouteProvisioning,
        RouteHealthy,
        RouteUnhealthy,
        RouteTerminating,
        RouteFailedToStart,
        // Scale events
        ScaleUp,
        ScaleDown,
        // Chart lines
        ChartDesired,
        ChartRequests,
        ChartLatency,
        // Lines told apart by colour alone (replicas, revisions), in this order
        Series1,
        Series2,
        Series3,
        Series4,
        Series5,
        Series6,
        Series7,
        Series8,
    };
    Q_ENUM(Role)
    static constexpr int RoleCount = int(Role::Series8) + 1;
    static constexpr int SeriesCount = int(Role::Series8) - int(Role::Series1) + 1;

    Theme() = delete;

    static QColor color(Role role);
    static QColor color(Role role, bool dark);
    // The index-th line colour, cycling through the series roles.
    static Role series(qsizetype index);
    // "color: #rrggbb;" for a label's style sheet.
    static QString textStyle(Role role);
};

} // namespace ServeDeck
