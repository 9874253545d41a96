#pragma once

#include <QAbstractTableModel>

#include "usage/usagereport.h"

namespace ServeDeck {

// The Cost tab's table: a row per revision of a usage report and its total, last.
class UsageCostModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageCostModel)

public:
    enum Column { Revision, Version, ReplicaHours, CpuHours, MemoryGiBHours, GpuHours, GpuDevices, Requests, Errors, Cost, ColumnCount };
    // The raw number behind a cell, for sorting and tests.
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit UsageCostModel(QObject *parent = nullptr);

    void setReport(const UsageReport &report);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString revision;
        QString version;
        UsageFigures figures;
        bool total = false;
    };
    QList<Row> m_rows;
    QString m_currency;
};

} // namespace ServeDeck
