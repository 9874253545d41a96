#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QSet>

namespace ServeDeck {

// A table whose rows each carry an id (Row::id). merge() brings the rows to a new list in place
// (removes what is gone, appends what is new, announces what changed), so a selection and the
// scroll position survive a live update. Subclasses give the columns and the cells.
template<typename Row>
class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

    template<typename Key>
    int rowOf(const Key &id) const
    {
        for (int row = 0; row < m_rows.size(); ++row) {
            if (m_rows.at(row).id == id)
                return row;
        }
        return -1;
    }

protected:
    // Another list altogether (another endpoint's): a reset, not a merge.
    void resetRows(const QList<Row> &rows)
    {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    }

    // same(a, b): whether a row shown as `a` still shows `b` correctly.
    template<typename Same>
    void merge(const QList<Row> &next, Same same)
    {
        QSet<decltype(Row::id)> ids;
        for (const Row &r : next)
            ids.insert(r.id);
        for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
            if (!ids.contains(m_rows.at(row).id)) {
                beginRemoveRows({}, row, row);
                m_rows.removeAt(row);
                endRemoveRows();
            }
        }
        for (const Row &r : next) {
            const int row = rowOf(r.id);
            if (row < 0) {
                beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
                m_rows.append(r);
                endInsertRows();
            } else if (!same(m_rows.at(row), r)) {
                m_rows[row] = r;
                Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
            }
        }
    }

    QList<Row> m_rows;
};

} // namespace ServeDeck
