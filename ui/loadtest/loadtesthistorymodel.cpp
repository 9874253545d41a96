#include "loadtesthistorymodel.h"

#include <QJsonValue>
#include <QLocale>

namespace ServeDeck {

namespace {

double number(const LoadTestRecord &run, const char *key)
{
    return run.summary.value(QLatin1String(key)).toDouble();
}

} // namespace

LoadTestHistoryModel::LoadTestHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void LoadTestHistoryModel::setRuns(QList<LoadTestRecord> runs)
{
    if (runs.size() > kMaxRuns)
        runs.resize(kMaxRuns);
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

const LoadTestRecord *LoadTestHistoryModel::run(int row) const
{
    return row >= 0 && row < m_runs.size() ? &m_runs.at(row) : nullptr;
}

int LoadTestHistoryModel::rowOf(const QUuid &id) const
{
    for (int row = 0; row < m_runs.size(); ++row) {
        if (m_runs.at(row).id == id)
            return row;
    }
    return -1;
}

int LoadTestHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int LoadTestHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LoadTestHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LoadTestRecord &run = m_runs.at(index.row());
    if (role == RunIdRole)
        return run.id;
    const bool cancelled = run.summary.value(QStringLiteral("cancelled")).toBool();
    if (role == SortRole) {
        switch (Column(index.column())) {
        case Started:
            return run.createdAt;
        case Endpoint:
            return run.endpointName;
        case Mode:
            return run.summary.value(QStringLiteral("mode")).toString();
        case Requests:
            return number(run, "sent");
        case Throughput:
            return number(run, "throughput");
        case P95:
            return number(run, "p95_ms");
        case Success:
            return number(run, "success_ratio");
        case Passed:
            return cancelled ? 0 : run.passed ? 2 : 1;
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    const QLocale locale;
    switch (Column(index.column())) {
    case Started:
        return locale.toString(run.createdAt.toLocalTime(), QLocale::ShortFormat);
    case Endpoint:
        return run.endpointName;
    case Mode:
        return run.summary.value(QStringLiteral("mode")).toString();
    case Requests:
        return locale.toString(qint64(number(run, "sent")));
    case Throughput:
        return locale.toString(number(run, "throughput"), 'f', 1);
    case P95:
        return locale.toString(number(run, "p95_ms"), 'f', 1);
    case Success:
        return locale.toString(number(run, "success_ratio") * 100.0, 'f', 1);
    case Passed:
        return cancelled ? tr("cancelled") : run.passed ? tr("passed") : tr("failed");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant LoadTestHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Started:
        return tr("Started");
    case Endpoint:
        return tr("Endpoint");
    case Mode:
        return tr("Mode");
    case Requests:
        return tr("Requests");
    case Throughput:
        return tr("Requests/s");
    case P95:
        return tr("p95 (ms)");
    case Success:
        return tr("Success (%)");
    case Passed:
        return tr("Targets");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
