#include "usagecostmodel.h"

#include <QFont>
#include <QLocale>

namespace ServeDeck {

UsageCostModel::UsageCostModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void UsageCostModel::setReport(const UsageReport &report)
{
    beginResetModel();
    m_rows.clear();
    for (const UsageRevisionRow &r : report.revisions)
        m_rows.append({r.number > 0 ? QString::number(r.number) : tr("unknown"), r.modelVersion, r.figures, false});
    m_rows.append({tr("Total"), QString(), report.total, true});
    m_currency = report.prices.currency;
    endResetModel();
}

int UsageCostModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int UsageCostModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsageCostModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    const UsageFigures &f = row.figures;
    if (role == Qt::FontRole && row.total) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::TextAlignmentRole && index.column() >= ReplicaHours && index.column() != GpuDevices)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    const auto hours = [](double h) { return QLocale().toString(h, 'f', 2); };
    if (role == SortRole) {
        switch (index.column()) {
        case Revision:
            return row.revision;
        case Version:
            return row.version;
        case ReplicaHours:
            return f.replicaHours;
        case CpuHours:
            return f.cpuHours;
        case MemoryGiBHours:
            return f.memoryGiBHours;
        case GpuHours:
            return f.gpuHours();
        case GpuDevices:
            return int(f.gpuHoursByDevice.size());
        case Requests:
            return f.requests ? QVariant(*f.requests) : QVariant();
        case Errors:
            return f.errors ? QVariant(*f.errors) : QVariant();
        case Cost:
            return f.cost ? QVariant(*f.cost) : QVariant();
        }
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Revision:
        return row.revision;
    case Version:
        return row.version;
    case ReplicaHours:
        return hours(f.replicaHours);
    case CpuHours:
        return hours(f.cpuHours);
    case MemoryGiBHours:
        return hours(f.memoryGiBHours);
    case GpuHours:
        return hours(f.gpuHours());
    case GpuDevices: {
        QStringList devices;
        for (auto it = f.gpuHoursByDevice.cbegin(); it != f.gpuHoursByDevice.cend(); ++it)
            devices << tr("%1: %2 h").arg(it.key(), hours(it.value()));
        return devices.join(QStringLiteral(", "));
    }
    case Requests:
        // Counted per revision; none only from a server that did not count them.
        return f.requests ? QLocale().toString(*f.requests) : QStringLiteral("–");
    case Errors:
        return f.errors ? QLocale().toString(*f.errors) : QStringLiteral("–");
    case Cost:
        if (!f.cost)
            return role == Qt::ToolTipRole ? tr("no prices set") : QStringLiteral("–");
        return m_currency.isEmpty() ? QLocale().toString(*f.cost, 'f', 2)
                                    : tr("%1 %2").arg(QLocale().toString(*f.cost, 'f', 2), m_currency);
    }
    return {};
}

QVariant UsageCostModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Revision:
        return tr("Revision");
    case Version:
        return tr("Version");
    case ReplicaHours:
        return tr("Replica-h");
    case CpuHours:
        return tr("CPU-h");
    case MemoryGiBHours:
        return tr("Memory GiB-h");
    case GpuHours:
        return tr("GPU-h");
    case GpuDevices:
        return tr("GPU-h by device");
    case Requests:
        return tr("Requests");
    case Errors:
        return tr("Errors");
    case Cost:
        return tr("Cost");
    }
    return {};
}

} // namespace ServeDeck
