// The bounded timeline under DeliveryListModel and ScaleEventModel: newest on top, the oldest
// dropped past the bound, every change announced as QAbstractItemModelTester checks it.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include "ui/common/newestfirsttablemodel.h"

using namespace ServeDeck;

namespace {

class NumberTimeline final : public NewestFirstTableModel<int>
{
public:
    using NewestFirstTableModel<int>::NewestFirstTableModel;
    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : 1; }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid) || role != Qt::DisplayRole)
            return {};
        return m_rows.at(index.row());
    }
    void add(int n, int maxRows) { prependRow(n, maxRows); }
};

} // namespace

class TestNewestFirstTableModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newestOnTopOldestDroppedPastTheBound()
    {
        NumberTimeline model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        for (int n = 1; n <= 3; ++n)
            model.add(n, 3);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(removed.size(), 0);
        model.add(4, 3);
        model.add(5, 3);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(removed.size(), 2);
        QCOMPARE(removed.last().at(1).toInt(), 2);  // the last row went
        QCOMPARE(model.index(0, 0).data().toInt(), 5);
        QCOMPARE(model.index(1, 0).data().toInt(), 4);
        QCOMPARE(model.index(2, 0).data().toInt(), 3);
        QCOMPARE(model.rowCount(model.index(0, 0)), 0);  // a table: no children
    }
};

QTEST_GUILESS_MAIN(TestNewestFirstTableModel)
#include "test_newestfirsttablemodel.moc"
