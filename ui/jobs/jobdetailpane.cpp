#include "jobdetailpane.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "jobs/jobqueue.h"
#include "plane/controlclient.h"
#include "ui/common/displayformat.h"
#include "ui/common/errorlabel.h"
#include "ui/common/theme.h"
#include "ui/jobs/jobtablemodel.h"
#include "ui/jobs/jobtext.h"

namespace ServeDeck {

namespace {

// What the pane shows of an answer: at most JobText::kShownBodyBytes of its body, cut on the
// control thread so a large stored answer is not copied whole to the GUI.
struct AnswerHead
{
    int status = 0;
    JobHeaders headers;
    QByteArray head;
    qint64 totalBytes = 0;
};

ServiceError noJobQueue()
{
    return makeError(ErrorType::NotFound, QStringLiteral("the control plane runs no job queue"));
}

QByteArray headerValue(const JobHeaders &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace

JobDetailPane::JobDetailPane(ControlClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_title(new QLabel(this))
    , m_request(new QPlainTextEdit(this))
    , m_answerStatus(new QLabel(this))
    , m_answerHeaders(new QPlainTextEdit(this))
    , m_body(new QPlainTextEdit(this))
    , m_cancel(new QPushButton(tr("Cancel job"), this))
    , m_retry(new QPushButton(tr("Retry"), this))
    , m_error(new ErrorLabel(QStringLiteral("jobActionError"), this))
{
    m_title->setObjectName(QStringLiteral("jobTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cancel->setObjectName(QStringLiteral("jobCancel"));
    m_cancel->setToolTip(tr("A queued job never runs; a running one's request is aborted"));
    m_retry->setObjectName(QStringLiteral("jobRetry"));
    m_retry->setToolTip(tr("Queue the job again as a new attempt"));
    connect(m_cancel, &QPushButton::clicked, this, [this] { act(Action::Cancel); });
    connect(m_retry, &QPushButton::clicked, this, [this] { act(Action::Retry); });

    auto *timings = new QFormLayout;
    timings->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    addField(timings, tr("State"))->setObjectName(QStringLiteral("jobState"));
    addField(timings, tr("Endpoint"))->setObjectName(QStringLiteral("jobEndpoint"));
    addField(timings, tr("Attempts"))->setObjectName(QStringLiteral("jobAttempts"));
    addField(timings, tr("Last error"))->setObjectName(QStringLiteral("jobError"));
    addField(timings, tr("Queued"))->setObjectName(QStringLiteral("jobQueued"));
    addField(timings, tr("Started"))->setObjectName(QStringLiteral("jobStarted"));
    addField(timings, tr("Finished"))->setObjectName(QStringLiteral("jobFinished"));
    addField(timings, tr("Queue time"))->setObjectName(QStringLiteral("jobQueueTime"));
    addField(timings, tr("Run time"))->setObjectName(QStringLiteral("jobRunTime"));
    auto *routing = new QFormLayout;
    routing->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    addField(routing, tr("Route"))->setObjectName(QStringLiteral("jobRoute"));
    addField(routing, tr("Revision"))->setObjectName(QStringLiteral("jobRevision"));
    addField(routing, tr("Priority"))->setObjectName(QStringLiteral("jobPriority"));
    addField(routing, tr("Deadline"))->setObjectName(QStringLiteral("jobDeadline"));
    addField(routing, tr("Idempotency key"))->setObjectName(QStringLiteral("jobIdempotencyKey"));
    addField(routing, tr("Submitted by"))->setObjectName(QStringLiteral("jobSubmittedBy"));

    for (QPlainTextEdit *text : {m_request, m_answerHeaders, m_body}) {
        text->setReadOnly(true);
        text->setLineWrapMode(QPlainTextEdit::NoWrap);
        text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    }
    m_request->setObjectName(QStringLiteral("jobRequest"));
    m_answerHeaders->setObjectName(QStringLiteral("jobAnswerHeaders"));
    m_answerHeaders->setMaximumHeight(80);
    m_body->setObjectName(QStringLiteral("jobAnswerBody"));
    m_body->setMaximumBlockCount(20000);  // a shown body is bounded in bytes; this bounds its lines too
    m_answerStatus->setObjectName(QStringLiteral("jobAnswerStatus"));

    auto *requestBox = new QGroupBox(tr("Request"), this);
    auto *requestLayout = new QVBoxLayout(requestBox);
    requestLayout->setContentsMargins(4, 4, 4, 4);
    requestLayout->addWidget(m_request);
    auto *answerBox = new QGroupBox(tr("Answer"), this);
    auto *answerLayout = new QVBoxLayout(answerBox);
    answerLayout->setContentsMargins(4, 4, 4, 4);
    answerLayout->addWidget(m_answerStatus);
    answerLayout->addWidget(m_answerHeaders);
    answerLayout->addWidget(m_body, 1);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_title, 1);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_retry);
    auto *columns = new QHBoxLayout;
    columns->addLayout(timings, 2);
    columns->addLayout(routing, 2);
    columns->addWidget(requestBox, 2);
    columns->addWidget(answerBox, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addLayout(columns, 1);
    m_error->hide();
    fill();
}

JobDetailPane::~JobDetailPane() = default;

QLabel *JobDetailPane::addField(QFormLayout *form, const QString &name)
{
    auto *value = new QLabel(this);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    form->addRow(name, value);
    m_fields << value;
    return value;
}

QLabel *JobDetailPane::field(const QString &name) const
{
    for (QLabel *label : m_fields) {
        if (label->objectName() == name)
            return label;
    }
    return nullptr;
}

void JobDetailPane::showJob(const std::optional<Job> &job)
{
    const bool same = job && m_job && job->id == m_job->id;
    if (!same)
        m_error->showProblem({});
    m_job = job;
    fill();
    if (!m_job) {
        m_answerOf.reset();
        return;
    }
    // The answer is read again only when the job moved on (another state, another attempt's answer).
    const std::pair<JobState, int> key{m_job->state, m_job->resultStatus};
    if (!same || m_answerOf != key)
        readAnswer();
}

void JobDetailPane::fill()
{
    updateButtons();
    const QString none = QStringLiteral("–");
    auto set = [this, &none](const char *name, const QString &text) {
        if (QLabel *label = field(QString::fromLatin1(name)))
            label->setText(text.isEmpty() ? none : text);
    };
    if (!m_job) {
        m_title->setText(tr("Select a job to see its timings, request and answer."));
        for (QLabel *label : std::as_const(m_fields))
            label->clear();
        m_request->clear();
        m_answerStatus->clear();
        m_answerHeaders->clear();
        m_body->clear();
        return;
    }
    const Job &j = *m_job;
    m_title->setText(tr("Job %1").arg(j.id));
    QLabel *state = field(QStringLiteral("jobState"));
    state->setText(jobStateName(j.state));
    state->setStyleSheet(Theme::textStyle(JobText::stateRole(j.state)));
    set("jobEndpoint", j.endpointName.isEmpty() ? j.endpointId.toString(QUuid::WithoutBraces) : j.endpointName);
    set("jobAttempts", tr("%1 of %2").arg(j.attempts).arg(j.maxAttempts));
    set("jobError", j.error);
    set("jobQueued", DisplayFormat::time(j.queuedAt));
    set("jobStarted", DisplayFormat::time(j.startedAt));
    set("jobFinished", DisplayFormat::time(j.finishedAt));
    set("jobQueueTime", JobTableModel::durationText(JobTableModel::spanMs(j.queuedAt, j.startedAt)));
    set("jobRunTime", JobTableModel::durationText(
                          j.state == JobState::Running ? -1 : JobTableModel::spanMs(j.startedAt, j.finishedAt)));
    set("jobRoute", j.routeId.isNull() ? QString() : j.routeId.toString(QUuid::WithoutBraces));
    set("jobRevision", j.modelVersion);
    set("jobPriority", QString::number(j.priority));
    set("jobDeadline", DisplayFormat::time(j.deadline));
    set("jobIdempotencyKey", j.idempotencyKey);
    set("jobSubmittedBy", j.submittedBy);
    QString request = QString::fromLatin1(j.method) + u' ' + QString::fromLatin1(j.path);
    if (!j.headers.isEmpty())
        request += u'\n' + JobText::headers(j.headers);
    request += QStringLiteral("\n\n") + tr("Body: %1").arg(DisplayFormat::bytes(j.bodyBytes));
    m_request->setPlainText(request);
}

void JobDetailPane::updateButtons()
{
    const bool cancellable = m_job && (m_job->state == JobState::Queued || m_job->state == JobState::Running);
    const bool retriable = m_job
        && (m_job->state == JobState::Failed || m_job->state == JobState::Expired
            || m_job->state == JobState::Cancelled);
    m_cancel->setEnabled(!m_busy && cancellable);
    m_retry->setEnabled(!m_busy && retriable);
}

void JobDetailPane::readAnswer()
{
    const quint64 request = ++m_answerRequest;
    m_answerOf = std::pair<JobState, int>{m_job->state, m_job->resultStatus};
    // A queued or running job's answer, if any, is an earlier attempt's: not its result.
    if (m_job->resultStatus == 0 || !isFinalJobState(m_job->state)) {
        m_answerStatus->setText(isFinalJobState(m_job->state) ? tr("No answer.") : tr("No answer yet."));
        m_answerHeaders->clear();
        m_body->clear();
        Q_EMIT answerLoaded();
        return;
    }
    m_answerStatus->setText(tr("Reading the answer…"));
    m_client.call(
        this,
        [id = m_job->id](ControlPlane &plane) -> Result<AnswerHead> {
            JobQueue *jobs = plane.jobs();
            if (!jobs)
                return noJobQueue();
            Result<JobResult> result = jobs->result(id);
            if (!result)
                return result.error();
            AnswerHead head;
            head.status = result->status;
            head.headers = result->headers;
            head.totalBytes = result->body.size();
            head.head = result->body.left(JobText::kShownBodyBytes);
            return head;
        },
        [this, request](const Result<AnswerHead> &answer) {
            if (request != m_answerRequest)
                return;
            if (!answer) {
                m_answerStatus->setText(answer.error().typeName() + QStringLiteral(": ") + answer.error().message);
                m_answerHeaders->clear();
                m_body->clear();
            } else {
                m_answerStatus->setText(
                    tr("HTTP %1 · %2").arg(answer->status).arg(DisplayFormat::bytes(answer->totalBytes)));
                m_answerHeaders->setPlainText(JobText::headers(answer->headers));
                m_body->setPlainText(
                    JobText::body(answer->head, answer->totalBytes, headerValue(answer->headers, "content-type")));
            }
            Q_EMIT answerLoaded();
        });
}

void JobDetailPane::act(Action action)
{
    if (!m_job || m_busy)
        return;
    m_busy = true;
    updateButtons();
    m_client.call(
        this,
        [id = m_job->id, action](ControlPlane &plane) -> Result<Job> {
            JobQueue *jobs = plane.jobs();
            if (!jobs)
                return noJobQueue();
            return action == Action::Cancel ? jobs->cancel(id) : jobs->retry(id);
        },
        [this](const Result<Job> &job) {
            m_busy = false;
            if (!job) {
                // Routine: the job finished (or was cancelled elsewhere) meanwhile.
                m_error->showProblem(job.error().typeName() + QStringLiteral(": ") + job.error().message);
                updateButtons();
                Q_EMIT actionFinished(false);
                return;
            }
            m_error->showProblem({});
            if (m_job && m_job->id == job->id)
                showJob(*job);
            else
                updateButtons();
            Q_EMIT jobUpdated(*job);
            Q_EMIT actionFinished(true);
        });
}

} // namespace ServeDeck
