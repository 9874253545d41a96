#include "jobsview.h"

#include <algorithm>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "jobs/jobqueue.h"
#include "plane/controlclient.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/common/tablecolumns.h"
#include "ui/common/theme.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/jobs/jobdetailpane.h"
#include "ui/jobs/jobtablemodel.h"
#include "ui/jobs/jobtext.h"

namespace ServeDeck {

namespace {

// What one read brings: the filter's jobs and the per-state counts, from one hop to the plane.
struct JobsRead
{
    Result<QList<Job>> jobs = QList<Job>();
    QHash<JobState, int> counts;
};

ServiceError noJobQueue()
{
    return makeError(ErrorType::NotFound, QStringLiteral("the control plane runs no job queue"));
}

} // namespace

JobsView::JobsView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::AllOrOne, this))
    , m_state(new QComboBox(this))
    , m_range(new QComboBox(this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_error(new ErrorLabel(QStringLiteral("jobsError"), this))
    , m_model(new JobTableModel(&endpoints, this))
    , m_table(new QTableView(this))
    , m_detail(new JobDetailPane(client, this))
    , m_countsTimer(new QTimer(this))
{
    m_endpoint->setObjectName(QStringLiteral("jobsEndpoint"));
    m_state->setObjectName(QStringLiteral("jobsState"));
    m_state->addItem(tr("All states"), QString());
    for (const JobState s : allJobStates())
        m_state->addItem(jobStateName(s), jobStateName(s));
    m_range->setObjectName(QStringLiteral("jobsRange"));
    m_range->addItem(tr("Last hour"), 3600);
    m_range->addItem(tr("Last 24 hours"), 24 * 3600);
    m_range->addItem(tr("Last 7 days"), 7 * 24 * 3600);
    m_range->addItem(tr("All time"), 0);
    m_range->setCurrentIndex(1);
    m_refresh->setObjectName(QStringLiteral("jobsRefresh"));

    auto *top = new QHBoxLayout;
    for (const auto &[text, widget] : {std::pair<QString, QWidget *>{tr("Endpoint"), m_endpoint},
                                       {tr("State"), m_state},
                                       {tr("Queued in"), m_range}}) {
        auto *label = new QLabel(text, this);
        label->setBuddy(widget);
        top->addWidget(label);
        top->addWidget(widget);
        top->addSpacing(12);
    }
    top->addStretch(1);
    top->addWidget(m_refresh);

    // "Queued 3 · Running 2 · Succeeded 120 · …", each in its state's colour.
    auto *counts = new QHBoxLayout;
    bool first = true;
    for (const JobState s : allJobStates()) {
        if (!first)
            counts->addWidget(new QLabel(QStringLiteral("·"), this));
        first = false;
        auto *label = new QLabel(this);
        label->setObjectName(QStringLiteral("jobCount_") + jobStateName(s));
        label->setStyleSheet(Theme::textStyle(JobText::stateRole(s)));
        m_countLabels.insert(s, label);
        counts->addWidget(label);
    }
    counts->addStretch(1);

    m_table->setObjectName(QStringLiteral("jobsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    fitColumnsToContents(m_table);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &JobsView::selectionChanged);
    // A reset (another filter) or a row leaving the filter clears the selection without telling.
    connect(m_model, &QAbstractItemModel::modelReset, this, &JobsView::selectionChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &JobsView::selectionChanged);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("jobsSplit"));
    split->setChildrenCollapsible(false);
    split->addWidget(m_table);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(counts);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);
    m_error->hide();

    m_countsTimer->setSingleShot(true);
    connect(m_countsTimer, &QTimer::timeout, this, &JobsView::readCounts);
    connect(&m_client, &ControlClient::jobChanged, this, &JobsView::jobChanged);
    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, &JobsView::reload);
    connect(m_state, &QComboBox::currentIndexChanged, this, &JobsView::reload);
    connect(m_range, &QComboBox::currentIndexChanged, this, &JobsView::reload);
    connect(m_refresh, &QPushButton::clicked, this, &JobsView::reload);
    // Cancel and Retry answer with the job as it is now: shown at once, not after the change's signal.
    connect(m_detail, &JobDetailPane::jobUpdated, m_model, &JobTableModel::update);
    m_model->setFilter(currentFilter());
    showCounts();
}

JobsView::~JobsView() = default;

JobFilter JobsView::currentFilter() const
{
    JobFilter filter;
    filter.endpointId = m_endpoint->currentEndpoint();
    filter.state = jobStateFromName(m_state->currentData().toString());
    const qint64 seconds = m_range->currentData().toLongLong();
    if (seconds > 0)
        filter.since = QDateTime::currentDateTimeUtc().addSecs(-seconds);
    filter.limit = kMaxRows;
    return filter;
}

void JobsView::showEndpoint(const QUuid &endpointId)
{
    m_endpoint->setCurrentEndpoint(endpointId);
    reload();
}

void JobsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale)
        reload();
}

void JobsView::reload()
{
    m_stale = true;
    if (!isVisible())
        return;
    m_stale = false;
    const JobFilter filter = currentFilter();
    m_model->setFilter(filter);
    const quint64 request = ++m_listRequest;
    ++m_countsRequest;  // this read's counts replace any read under way
    m_readingCounts = true;
    m_countsDirty = false;
    m_sinceCounts.start();
    m_client.call(
        this,
        [filter](ControlPlane &plane) {
            JobsRead read;
            JobQueue *jobs = plane.jobs();
            if (!jobs) {
                read.jobs = noJobQueue();
                return read;
            }
            read.jobs = jobs->jobs(filter);
            read.counts = jobs->stateCounts(filter.endpointId);
            return read;
        },
        [this, request](const JobsRead &read) {
            if (request != m_listRequest)
                return;
            m_readingCounts = false;
            const QString selected = m_detail->job() ? m_detail->job()->id : QString();
            if (!read.jobs) {
                m_error->showProblem(read.jobs.error().typeName() + QStringLiteral(": ") + read.jobs.error().message);
                m_model->setJobs({});
            } else {
                m_error->showProblem({});
                m_model->setJobs(*read.jobs);
                m_counts = read.counts;
                showCounts();
            }
            if (!selected.isEmpty())
                selectJob(selected);
            Q_EMIT loaded();
            Q_EMIT countsLoaded();
            if (m_countsDirty)
                scheduleCounts();
        });
}

void JobsView::jobChanged(const Job &job)
{
    if (!isVisible()) {
        m_stale = true;
        return;
    }
    // The change carries the job: the row follows without a read.
    m_model->update(job);
    if (m_detail->job() && m_detail->job()->id == job.id)
        m_detail->showJob(job);
    scheduleCounts();
}

void JobsView::scheduleCounts()
{
    // Through the timer also when due now: a plane on this thread emits jobChanged from inside
    // the queue's own call, which must not be entered again from here.
    m_countsDirty = true;
    if (m_readingCounts || m_countsTimer->isActive())
        return;
    const qint64 wait = m_sinceCounts.isValid() ? kCountsIntervalMs - m_sinceCounts.elapsed() : 0;
    m_countsTimer->start(int(std::max<qint64>(0, wait)));
}

void JobsView::readCounts()
{
    if (!isVisible()) {
        m_stale = true;
        return;
    }
    const quint64 request = ++m_countsRequest;
    m_readingCounts = true;
    m_countsDirty = false;
    m_sinceCounts.start();
    m_client.call(
        this,
        [endpointId = m_endpoint->currentEndpoint()](ControlPlane &plane) {
            JobQueue *jobs = plane.jobs();
            return jobs ? jobs->stateCounts(endpointId) : QHash<JobState, int>();
        },
        [this, request](const QHash<JobState, int> &counts) {
            if (request != m_countsRequest)
                return;
            m_readingCounts = false;
            m_counts = counts;
            showCounts();
            Q_EMIT countsLoaded();
            if (m_countsDirty)  // jobs changed while this read was under way
                scheduleCounts();
        });
}

void JobsView::showCounts()
{
    for (auto it = m_countLabels.begin(); it != m_countLabels.end(); ++it)
        it.value()->setText(QStringLiteral("%1 %2").arg(JobText::stateWord(it.key())).arg(m_counts.value(it.key())));
}

bool JobsView::selectJob(const QString &jobId)
{
    const int row = m_model->rowOf(jobId);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->scrollTo(m_model->index(row, 0));
    return true;
}

void JobsView::selectionChanged()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.size() != 1) {
        m_detail->showJob(std::nullopt);
        return;
    }
    m_detail->showJob(m_model->job(rows.first().row()));
}

} // namespace ServeDeck
