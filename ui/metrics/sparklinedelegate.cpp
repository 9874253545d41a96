#include "sparklinedelegate.h"

#include <algorithm>

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include "ui/endpoints/endpointlistmodel.h"

namespace ServeDeck {

namespace {

// Room above and below the line, so a peak is not cut by the row's edge or grid line.
constexpr int kMargin = 3;

} // namespace

SparklineDelegate::SparklineDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    // The background, selection and focus as for any cell, without text.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    const QList<float> values = index.data(EndpointListModel::SparklineRole).value<QList<float>>();
    if (values.size() < 2)
        return;
    const QRectF area = QRectF(option.rect).adjusted(kMargin, kMargin, -kMargin, -kMargin);
    if (area.width() < 4 || area.height() < 4)
        return;
    const float peak = *std::max_element(values.begin(), values.end());
    // A flat zero line for an idle endpoint, along the bottom: idle, not broken.
    const double scale = peak > 0 ? area.height() / double(peak) : 0.0;
    // The newest sample at the right edge; with fewer samples than the cell is wide, the line
    // starts further right, so its length says how long the endpoint has been sampled.
    const double step = area.width() / double(EndpointListModel::kSparklineSamples - 1);
    const double startX = area.right() - step * double(values.size() - 1);

    QPainterPath line;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QPointF p(startX + step * double(i), area.bottom() - double(values.at(i)) * scale);
        if (i == 0)
            line.moveTo(p);
        else
            line.lineTo(p);
    }
    QPainterPath fill = line;
    fill.lineTo(area.right(), area.bottom());
    fill.lineTo(startX, area.bottom());
    fill.closeSubpath();

    const bool selected = option.state & QStyle::State_Selected;
    QColor colour = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Highlight);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QColor fillColour = colour;
    fillColour.setAlphaF(0.25f);
    painter->fillPath(fill, fillColour);
    painter->setPen(QPen(colour, 1.5));
    painter->drawPath(line);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QSize text = QStyledItemDelegate::sizeHint(option, index);
    return {kWidth, text.height()};
}

} // namespace ServeDeck
