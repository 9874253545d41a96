#pragma once

#include <QStyledItemDelegate>

namespace ServeDeck {

// Paints a cell's EndpointListModel::SparklineRole values as a small line over a filled area,
// scaled to the largest value shown, with the newest value at the right edge. Cells without
// values get the usual background only.
class SparklineDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SparklineDelegate)

public:
    // As wide as EndpointListModel::kSparklineSamples, one pixel a sample.
    static constexpr int kWidth = 120;

    explicit SparklineDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace ServeDeck
