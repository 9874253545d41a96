#include "jobtablemodel.h"

#include <QBrush>
#include <QEvent>

#include "ui/common/displayformat.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/theme.h"
#include "ui/jobs/jobtext.h"

namespace ServeDeck {

namespace {

// "–" for a time not reached yet (a queued job has no run time): a dash reads as "no value".
const QString kNoValue = QStringLiteral("–");

} // namespace

JobTableModel::JobTableModel(const EndpointListModel *endpoints, QObject *parent)
    : NewestFirstTableModel<Job>(parent)
    , m_endpoints(endpoints)
{
}

int JobTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool JobTableModel::event(QEvent *event)
{
    // Headers are translated when asked for; views ask again after this.
    if (event->type() == QEvent::LanguageChange)
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    return NewestFirstTableModel<Job>::event(event);
}

void JobTableModel::setFilter(const JobFilter &filter)
{
    m_filter = filter;
    m_filter.limit = std::max(1, m_filter.limit);
}

bool JobTableModel::matches(const Job &job) const
{
    if (!m_filter.endpointId.isNull() && job.endpointId != m_filter.endpointId)
        return false;
    if (m_filter.state && job.state != *m_filter.state)
        return false;
    if (m_filter.since.isValid() && job.queuedAt < m_filter.since)
        return false;
    if (m_filter.until.isValid() && job.queuedAt >= m_filter.until)
        return false;
    return true;
}

void JobTableModel::setJobs(const QList<Job> &jobs)
{
    beginResetModel();
    m_rows = jobs.mid(0, m_filter.limit);
    endResetModel();
}

int JobTableModel::rowOf(const QString &jobId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == jobId)
            return row;
    }
    return -1;
}

void JobTableModel::update(const Job &job)
{
    const int row = rowOf(job.id);
    const bool wanted = matches(job);
    if (row >= 0 && wanted) {
        m_rows[row] = job;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    if (row >= 0) {
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        return;
    }
    if (!wanted)
        return;
    // Its place by queue time: a new job goes on top; one retried or moved into the filter's
    // state among the others. Past the limit and older than every row: not shown, as a reload
    // would not show it either.
    int at = 0;
    while (at < m_rows.size() && m_rows.at(at).queuedAt >= job.queuedAt)
        ++at;
    if (at == 0) {
        prependRow(job, m_filter.limit);
        return;
    }
    if (at >= m_filter.limit)
        return;
    if (m_rows.size() >= m_filter.limit) {
        beginRemoveRows({}, int(m_rows.size()) - 1, int(m_rows.size()) - 1);
        m_rows.removeLast();
        endRemoveRows();
    }
    beginInsertRows({}, at, at);
    m_rows.insert(at, job);
    endInsertRows();
}

qint64 JobTableModel::spanMs(const QDateTime &from, const QDateTime &to)
{
    return from.isValid() && to.isValid() ? std::max<qint64>(0, from.msecsTo(to)) : -1;
}

QString JobTableModel::durationText(qint64 ms)
{
    if (ms < 0)
        return kNoValue;
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms < 60 * 1000)
        return tr("%1 s").arg(QString::number(double(ms) / 1000.0, 'f', 1));
    const qint64 seconds = ms / 1000;
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 h %2 min").arg(seconds / 3600).arg(seconds % 3600 / 60);
}

QString JobTableModel::endpointName(const Job &job) const
{
    if (!job.endpointName.isEmpty())
        return job.endpointName;
    if (m_endpoints) {
        if (const EndpointInfo *info = m_endpoints->find(job.endpointId))
            return info->endpoint.name;
    }
    return DisplayFormat::shortId(job.endpointId);
}

QVariant JobTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Job &job = m_rows.at(index.row());
    const auto column = Column(index.column());
    if (role == JobIdRole)
        return job.id;
    if (role == Qt::ForegroundRole && column == State)
        return QBrush(Theme::color(JobText::stateRole(job.state)));
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case Id:
            return job.id;
        case Endpoint:
            return job.endpointId.toString(QUuid::WithoutBraces);
        case State:
            return job.error.isEmpty() ? QVariant() : QVariant(job.error);
        case Revision:
            return job.routeId.isNull() ? QVariant()
                                        : QVariant(tr("Route %1").arg(job.routeId.toString(QUuid::WithoutBraces)));
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole) {
        switch (column) {
        case Priority:
        case Attempts:
        case QueueTime:
        case RunTime:
        case ResultStatus:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (column) {
    case Id:
        return sort ? job.id : DisplayFormat::shortId(job.id);
    case Endpoint:
        return endpointName(job);
    case State:
        return sort ? QVariant(int(job.state)) : QVariant(jobStateName(job.state));
    case Priority:
        return job.priority;
    case Attempts:
        return sort ? QVariant(job.attempts)
                    : QVariant(QStringLiteral("%1 / %2").arg(job.attempts).arg(job.maxAttempts));
    case Queued:
        return sort ? QVariant(job.queuedAt.toMSecsSinceEpoch()) : QVariant(DisplayFormat::time(job.queuedAt));
    case QueueTime: {
        const qint64 ms = spanMs(job.queuedAt, job.startedAt);
        return sort ? QVariant(ms) : QVariant(durationText(ms));
    }
    case RunTime: {
        const qint64 ms = job.state == JobState::Running ? -1 : spanMs(job.startedAt, job.finishedAt);
        return sort ? QVariant(ms) : QVariant(durationText(ms));
    }
    case ResultStatus:
        return sort ? QVariant(job.resultStatus)
                    : QVariant(job.resultStatus == 0 ? kNoValue : QString::number(job.resultStatus));
    case Revision:
        return job.modelVersion;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Attempts:
            return tr("Attempts started of the most allowed");
        case QueueTime:
            return tr("From submission to the latest attempt's start");
        case RunTime:
            return tr("From the latest attempt's start to the job's end");
        case ResultStatus:
            return tr("The model's HTTP status");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Id:
        return tr("Job");
    case Endpoint:
        return tr("Endpoint");
    case State:
        return tr("State");
    case Priority:
        return tr("Priority");
    case Attempts:
        return tr("Attempts");
    case Queued:
        return tr("Queued");
    case QueueTime:
        return tr("Queue time");
    case RunTime:
        return tr("Run time");
    case ResultStatus:
        return tr("Result");
    case Revision:
        return tr("Revision");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
