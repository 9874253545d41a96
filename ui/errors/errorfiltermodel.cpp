#include "errorfiltermodel.h"

#include "domain/clock.h"
#include "ui/errors/errorlistmodel.h"

namespace ServeDeck {

namespace {
// "Last hour" is a window that moves: re-applied once a minute, the resolution an operator
// reading it needs, rather than on every error.
constexpr int kSlideMs = 60 * 1000;
} // namespace

ErrorFilterModel::ErrorFilterModel(Clock &clock, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_clock(clock)
{
    setSortRole(ErrorListModel::SortRole);
    m_slide.setInterval(kSlideMs);
    connect(&m_slide, &QTimer::timeout, this, &ErrorFilterModel::invalidateRowsFilter);
}

void ErrorFilterModel::setEndpoint(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        return;
    m_endpoint = endpointId;
    invalidateRowsFilter();
}

void ErrorFilterModel::setType(const QString &type)
{
    if (type == m_type)
        return;
    m_type = type;
    invalidateRowsFilter();
}

void ErrorFilterModel::setRange(Range range)
{
    if (range == m_range)
        return;
    m_range = range;
    if (m_range == Range::All)
        m_slide.stop();
    else
        m_slide.start();
    invalidateRowsFilter();
}

void ErrorFilterModel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
}

bool ErrorFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    const QModelIndex first = source->index(sourceRow, 0, sourceParent);
    if (!m_endpoint.isNull() && first.data(ErrorListModel::EndpointIdRole).toUuid() != m_endpoint)
        return false;
    if (!m_type.isEmpty() && first.data(ErrorListModel::TypeRole).toString() != m_type)
        return false;
    if (m_range != Range::All) {
        const qint64 window = m_range == Range::LastHour ? 3600 : 86400;
        if (first.data(ErrorListModel::TimeRole).toDateTime() < m_clock.now().addSecs(-window))
            return false;
    }
    if (m_text.isEmpty())
        return true;
    for (int column = 0; column < source->columnCount(sourceParent); ++column) {
        if (source->index(sourceRow, column, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    // The table shows a message's first line; the search reads all of it, and the log tail.
    const QModelIndex message = source->index(sourceRow, ErrorListModel::Message, sourceParent);
    return message.data(ErrorListModel::SortRole).toString().contains(m_text, Qt::CaseInsensitive)
        || first.data(ErrorListModel::LogTailRole).toString().contains(m_text, Qt::CaseInsensitive);
}

} // namespace ServeDeck
