#include "theme.h"

#include <array>

#include <QGuiApplication>
#include <QPalette>

#include "ui/common/appearance.h"

namespace ServeDeck {

namespace {

struct Pair
{
    QRgb light;
    QRgb dark;
};

// Material Design hues: the light values are the 600-800 shades the console has always shown;
// on a dark palette the 200-300 shades of the same hue, so text and lines stay readable.
constexpr std::array<Pair, Theme::RoleCount> kColors{{
    {0xc62828, 0xef9a9a},  // Error
    {0xef6c00, 0xffb74d},  // Warning
    {0x2e7d32, 0x81c784},  // Success
    {0x757575, 0x9e9e9e},  // Muted
    {0x2e7d32, 0x81c784},  // StatusHealthy
    {0xef6c00, 0xffb74d},  // StatusDegraded
    {0xc62828, 0xef9a9a},  // StatusUnhealthy
    {0x1565c0, 0x90caf9},  // StatusProvisioning
    {0x616161, 0xbdbdbd},  // StatusInactive
    {0x1e88e5, 0x64b5f6},  // RouteProvisioning
    {0x43a047, 0x81c784},  // RouteHealthy
    {0xfb8c00, 0xffb74d},  // RouteUnhealthy
    {0x9e9e9e, 0xbdbdbd},  // RouteTerminating
    {0xe53935, 0xe57373},  // RouteFailedToStart
    {0x1565c0, 0x90caf9},  // ScaleUp
    {0x6a1b9a, 0xce93d8},  // ScaleDown
    {0x909090, 0x9e9e9e},  // ChartDesired
    {0x1e88e5, 0x64b5f6},  // ChartRequests
    {0xfb8c00, 0xffb74d},  // ChartLatency
    {0x1e88e5, 0x64b5f6},  // Series1 blue
    {0xe53935, 0xe57373},  // Series2 red
    {0x43a047, 0x81c784},  // Series3 green
    {0xfb8c00, 0xffb74d},  // Series4 orange
    {0x8e24aa, 0xba68c8},  // Series5 purple
    {0x00acc1, 0x4dd0e1},  // Series6 cyan
    {0x6d4c41, 0xa1887f},  // Series7 brown
    {0xd81b60, 0xf06292},  // Series8 pink
}};

} // namespace

QColor Theme::color(Role role)
{
    return color(role, Appearance::isDark(QGuiApplication::palette()));
}

QColor Theme::color(Role role, bool dark)
{
    const auto i = std::size_t(role);
    if (i >= kColors.size())
        return {};
    return QColor::fromRgb(dark ? kColors[i].dark : kColors[i].light);
}

Theme::Role Theme::series(qsizetype index)
{
    const auto n = qsizetype(SeriesCount);
    return Role(int(Role::Series1) + int(((index % n) + n) % n));
}

QString Theme::textStyle(Role role)
{
    return QStringLiteral("color: %1;").arg(color(role).name());
}

} // namespace ServeDeck
