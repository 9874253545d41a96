#include "loadtesthistorymodel.h"

#include <QLocale>

namespace ServeDeck {

namespace {

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

} // namespace

LoadTestHistoryModel::LoadTestHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void LoadTestHistoryModel::setRuns(QList<Run> runs)
{
    if (runs.size() > kMaxRuns)
        runs.resize(kMaxRuns);
    beginResetModel();
    m_runs = std::move(runs);
    endResetModel();
}

const LoadTestHistoryModel::Run *LoadTestHistoryModel::run(int row) const
{
    return row >= 0 && row < m_runs.size() ? &m_runs.at(row) : nullptr;
}

int LoadTestHistoryModel::rowOf(const QString &id) const
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
    const Run &run = m_runs.at(index.row());
    const LoadTestResult &r = run.result;
    if (role == RunIdRole)
        return run.id;
    if (role == SortRole) {
        switch (Column(index.column())) {
        case Started:
            return r.startedAt;
        case Endpoint:
            return r.settings.endpoint;
        case Mode:
            return LoadTestSettings::modeName(r.settings.mode);
        case Requests:
            return qulonglong(r.sent);
        case Throughput:
            return r.throughput();
        case P95:
            return ms(r.total.latency.percentileNs(95));
        case Success:
            return r.total.successRatio();
        case Passed:
            return r.passed();
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
        return locale.toString(r.startedAt.toLocalTime(), QLocale::ShortFormat);
    case Endpoint:
        return r.settings.endpoint;
    case Mode:
        return LoadTestSettings::modeName(r.settings.mode);
    case Requests:
        return locale.toString(qulonglong(r.sent));
    case Throughput:
        return locale.toString(r.throughput(), 'f', 1);
    case P95:
        return locale.toString(ms(r.total.latency.percentileNs(95)), 'f', 1);
    case Success:
        return locale.toString(r.total.successRatio() * 100.0, 'f', 1);
    case Passed:
        return r.cancelled ? tr("cancelled") : r.passed() ? tr("passed") : tr("failed");
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
