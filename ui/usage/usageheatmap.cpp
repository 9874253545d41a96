#include "usageheatmap.h"

#include <algorithm>

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

#include "ui/common/theme.h"

namespace ServeDeck {

namespace {

// Room for the day names on the left, the hours on top and the legend under the grid.
constexpr int kLeftMargin = 48;
constexpr int kTopMargin = 20;
constexpr int kLegendHeight = 36;
constexpr int kMinCell = 14;

QString dayName(int day)
{
    // Monday first, as ISO 8601 and the report count them.
    return QLocale().dayName(day + 1, QLocale::ShortFormat);
}

} // namespace

UsageHeatMap::UsageHeatMap(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("usageHeatMap"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_values = QList<std::optional<double>>(kCells);
}

void UsageHeatMap::setValues(Measure measure, const QList<std::optional<double>> &values)
{
    m_measure = measure;
    m_values = values.mid(0, kCells);
    while (m_values.size() < kCells)
        m_values.append(std::nullopt);
    m_maximum = 0;
    for (const auto &v : std::as_const(m_values)) {
        if (v)
            m_maximum = std::max(m_maximum, *v);
    }
    update();
}

QRect UsageHeatMap::gridRect() const
{
    return QRect(kLeftMargin, kTopMargin, std::max(0, width() - kLeftMargin - 8),
                 std::max(0, height() - kTopMargin - kLegendHeight));
}

QRect UsageHeatMap::cellRect(int cell) const
{
    const QRect grid = gridRect();
    const int day = cell / kHours;
    const int hour = cell % kHours;
    const int left = grid.left() + grid.width() * hour / kHours;
    const int right = grid.left() + grid.width() * (hour + 1) / kHours;
    const int top = grid.top() + grid.height() * day / kDays;
    const int bottom = grid.top() + grid.height() * (day + 1) / kDays;
    return QRect(QPoint(left, top), QPoint(right - 1, bottom - 1));
}

int UsageHeatMap::cellAt(const QPoint &point) const
{
    const QRect grid = gridRect();
    if (!grid.contains(point) || grid.width() <= 0 || grid.height() <= 0)
        return -1;
    const int hour = std::clamp((point.x() - grid.left()) * kHours / grid.width(), 0, kHours - 1);
    const int day = std::clamp((point.y() - grid.top()) * kDays / grid.height(), 0, kDays - 1);
    return day * kHours + hour;
}

QString UsageHeatMap::cellText(int cell) const
{
    if (cell < 0 || cell >= kCells)
        return {};
    const QString when = tr("%1 %2:00–%3:00")
                             .arg(dayName(cell / kHours))
                             .arg(cell % kHours, 2, 10, QLatin1Char('0'))
                             .arg(cell % kHours + 1, 2, 10, QLatin1Char('0'));
    const std::optional<double> v = m_values.value(cell);
    if (!v)
        return tr("%1: no samples").arg(when);
    return m_measure == Measure::RequestsPerSecond ? tr("%1: %2 requests/s").arg(when, QLocale().toString(*v, 'f', 2))
                                                   : tr("%1: %2 replicas").arg(when, QLocale().toString(*v, 'f', 2));
}

QColor UsageHeatMap::colorFor(const std::optional<double> &value) const
{
    const QColor base = palette().color(QPalette::Base);
    if (!value) {
        QColor muted = Theme::color(Theme::Role::Muted);
        muted.setAlphaF(0.15f);
        return muted;
    }
    const QColor full = Theme::color(m_measure == Measure::RequestsPerSecond ? Theme::Role::ChartRequests
                                                                             : Theme::Role::ChartDesired);
    // From a tenth of the colour (a cell with samples, none to speak of) to all of it.
    const double t = m_maximum > 0 ? 0.1 + 0.9 * std::clamp(*value / m_maximum, 0.0, 1.0) : 0.1;
    return QColor::fromRgbF(float(base.redF() + (full.redF() - base.redF()) * t),
                            float(base.greenF() + (full.greenF() - base.greenF()) * t),
                            float(base.blueF() + (full.blueF() - base.blueF()) * t));
}

void UsageHeatMap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QColor text = palette().color(QPalette::Text);
    p.setPen(text);
    const QRect grid = gridRect();
    for (int hour = 0; hour < kHours; hour += 3) {
        const QRect r = cellRect(hour);
        p.drawText(QRect(r.left(), 0, r.width() * 3, kTopMargin), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("%1").arg(hour, 2, 10, QLatin1Char('0')));
    }
    for (int day = 0; day < kDays; ++day) {
        const QRect r = cellRect(day * kHours);
        p.drawText(QRect(0, r.top(), kLeftMargin - 6, r.height()), Qt::AlignRight | Qt::AlignVCenter, dayName(day));
    }
    for (int cell = 0; cell < kCells; ++cell)
        p.fillRect(cellRect(cell).adjusted(0, 0, -1, -1), colorFor(m_values.value(cell)));

    // The legend: the scale from none to the largest value, with its unit.
    const int legendTop = grid.bottom() + 10;
    const int legendWidth = std::min(240, grid.width());
    const int steps = 24;
    for (int i = 0; i < steps; ++i) {
        const QRect r(grid.left() + legendWidth * i / steps, legendTop, legendWidth / steps + 1, 10);
        p.fillRect(r, colorFor(m_maximum * i / (steps - 1)));
    }
    const QString unit = m_measure == Measure::RequestsPerSecond ? tr("requests/s") : tr("replicas");
    p.drawText(QRect(grid.left(), legendTop + 10, legendWidth, kLegendHeight - 20), Qt::AlignLeft | Qt::AlignTop,
               QStringLiteral("0"));
    p.drawText(QRect(grid.left(), legendTop + 10, legendWidth, kLegendHeight - 20), Qt::AlignRight | Qt::AlignTop,
               QLocale().toString(m_maximum, 'f', 2));
    QRect empty(grid.left() + legendWidth + 16, legendTop, 10, 10);
    p.fillRect(empty, colorFor(std::nullopt));
    p.drawText(QRect(empty.right() + 6, legendTop - 3, grid.width(), 16), Qt::AlignLeft | Qt::AlignVCenter,
               tr("%1; blank: no samples").arg(unit));
}

bool UsageHeatMap::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int cell = cellAt(help->pos());
        if (cell >= 0)
            QToolTip::showText(help->globalPos(), cellText(cell), this, cellRect(cell));
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

QSize UsageHeatMap::sizeHint() const
{
    return QSize(kLeftMargin + kHours * 28 + 8, kTopMargin + kDays * 28 + kLegendHeight);
}

QSize UsageHeatMap::minimumSizeHint() const
{
    return QSize(kLeftMargin + kHours * kMinCell + 8, kTopMargin + kDays * kMinCell + kLegendHeight);
}

} // namespace ServeDeck
