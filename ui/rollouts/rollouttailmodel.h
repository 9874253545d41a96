#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QUuid>

namespace ServeDeck {

// A table of one rollout's rows that only grow (its events, its decisions), the newest last.
// The same rollout's longer list appends its new rows, so a view keeps its place; another
// rollout's, or one that no longer begins with what is shown, replaces them.
template<typename Row>
class RolloutTailModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

protected:
    // At most maxRows, the oldest dropped; same(a, b) says two rows are one.
    template<typename Same>
    void setTail(const QUuid &rolloutId, const QList<Row> &rows, qsizetype maxRows, Same same)
    {
        const QList<Row> next = rows.size() > maxRows ? rows.mid(rows.size() - maxRows) : rows;
        bool extends = rolloutId == m_rollout && next.size() >= m_rows.size();
        for (qsizetype i = 0; extends && i < m_rows.size(); ++i)
            extends = same(m_rows.at(i), next.at(i));
        if (!extends) {
            beginResetModel();
            m_rollout = rolloutId;
            m_rows = next;
            endResetModel();
            return;
        }
        if (next.size() == m_rows.size())
            return;
        beginInsertRows({}, int(m_rows.size()), int(next.size()) - 1);
        m_rows = next;
        endInsertRows();
    }

    QList<Row> m_rows;

private:
    QUuid m_rollout;
};

} // namespace ServeDeck
