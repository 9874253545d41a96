#pragma once

#include <QAbstractTableModel>
#include <QList>

namespace ServeDeck {

// A bounded timeline table: rows newest first, a new one on top and, past the bound, the
// oldest dropped (one remove and one insert, so a view keeps its place). Subclasses give the
// columns and the cells.
template<typename Row>
class NewestFirstTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

protected:
    void prependRow(const Row &row, int maxRows)
    {
        if (m_rows.size() >= maxRows) {
            beginRemoveRows({}, int(m_rows.size()) - 1, int(m_rows.size()) - 1);
            m_rows.removeLast();
            endRemoveRows();
        }
        beginInsertRows({}, 0, 0);
        m_rows.prepend(row);
        endInsertRows();
    }

    QList<Row> m_rows;  // newest first
};

} // namespace ServeDeck
