#include "tablecolumns.h"

#include <QEvent>
#include <QHeaderView>
#include <QTableView>
#include <QTimer>

namespace ServeDeck {

namespace {

class ColumnFitter final : public QObject
{
public:
    explicit ColumnFitter(QTableView *table)
        : QObject(table)
        , m_table(table)
    {
        // Coalesced to one pass per event-loop turn: a reload inserts many rows at once, and a
        // busy endpoint changes its row many times a second.
        m_fit.setSingleShot(true);
        m_fit.setInterval(0);
        connect(&m_fit, &QTimer::timeout, this, &ColumnFitter::fit);
        QAbstractItemModel *model = table->model();
        const auto fitSoon = [this] { m_fit.start(); };
        connect(model, &QAbstractItemModel::rowsInserted, this, fitSoon);
        connect(model, &QAbstractItemModel::rowsRemoved, this, fitSoon);
        connect(model, &QAbstractItemModel::modelReset, this, fitSoon);
        connect(model, &QAbstractItemModel::layoutChanged, this, fitSoon);
        connect(model, &QAbstractItemModel::dataChanged, this, fitSoon);
        // The last column fills the width here, not through stretchLastSection, which would
        // give it the leftover width even where its text needs more.
        table->horizontalHeader()->setStretchLastSection(false);
        table->viewport()->installEventFilter(this);
        fit();
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Resize)
            m_fit.start();
        return QObject::eventFilter(watched, event);
    }

private:
    void fit()
    {
        QHeaderView *header = m_table->horizontalHeader();
        int used = 0;
        int last = -1;
        bool stretches = false;
        for (int visual = 0; visual < header->count(); ++visual) {
            const int column = header->logicalIndex(visual);
            if (header->isSectionHidden(column))
                continue;
            if (header->sectionResizeMode(column) == QHeaderView::Stretch)
                stretches = true;
            else if (header->sectionResizeMode(column) == QHeaderView::Interactive)
                m_table->resizeColumnToContents(column);
            used += header->sectionSize(column);
            last = column;
        }
        const int spare = m_table->viewport()->width() - used;
        if (!stretches && last >= 0 && spare > 0)
            header->resizeSection(last, header->sectionSize(last) + spare);
    }

    QTableView *m_table;
    QTimer m_fit;
};

} // namespace

void fitColumnsToContents(QTableView *table)
{
    new ColumnFitter(table);
}

} // namespace ServeDeck
