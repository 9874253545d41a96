#include "agentsview.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include "ui/agents/agentlistmodel.h"
#include "ui/agents/pendingqueuemodel.h"
#include "ui/common/displayformat.h"
#include "ui/common/errorlabel.h"
#include "ui/common/prompt.h"
#include "ui/metrics/metricshistory.h"
#include "plane/controlclient.h"

namespace ServeDeck {

AgentsView::AgentsView(ControlClient &client, const EndpointListModel &endpoints, const MetricsHistory &history,
                       QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_history(history)
    , m_model(new AgentListModel(endpoints, history, this))
    , m_summary(new QLabel(this))
    , m_empty(new QLabel(this))
    , m_tree(new QTreeView(this))
    , m_joinRow(new QWidget(this))
    , m_joinString(new QLineEdit(m_joinRow))
    , m_copyJoinString(new QPushButton(tr("Copy"), m_joinRow))
    , m_revoke(new QPushButton(tr("Revoke…"), this))
    , m_revokeError(new ErrorLabel(QStringLiteral("revokeAgentError"), this))
    , m_queueModel(new PendingQueueModel(this))
    , m_queueSummary(new QLabel(this))
    , m_queueView(new QTreeView(this))
    , m_queueRefresh(new QTimer(this))
{
    m_summary->setObjectName(QStringLiteral("agentsSummary"));
    m_summary->setWordWrap(true);
    m_empty->setObjectName(QStringLiteral("agentsEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setText(tr("This console runs no replicas, so it has no agents. Start it with replicas enabled, or "
                        "let remote agents join."));

    m_tree->setModel(m_model);
    m_tree->setObjectName(QStringLiteral("agentTree"));
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(AgentListModel::Name, QHeaderView::Stretch);
    // GPUs show without a click: they are what an operator comes here to see.
    connect(m_model, &QAbstractItemModel::rowsInserted, m_tree, &QTreeView::expandAll);
    m_tree->expandAll();

    // How a remote agent joins: `servedeck agent --join <this>` on its machine.
    m_joinString->setObjectName(QStringLiteral("agentJoinString"));
    m_joinString->setReadOnly(true);
    m_copyJoinString->setObjectName(QStringLiteral("copyJoinString"));
    auto *joinLayout = new QHBoxLayout(m_joinRow);
    joinLayout->setContentsMargins(0, 0, 0, 0);
    joinLayout->addWidget(new QLabel(tr("Join string for remote agents:"), m_joinRow));
    joinLayout->addWidget(m_joinString, 1);
    joinLayout->addWidget(m_copyJoinString);
    connect(m_copyJoinString, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_joinString->text()); });

    m_revoke->setObjectName(QStringLiteral("revokeAgent"));
    m_revoke->setToolTip(tr("Revoke the selected remote agent's credential: it is cut off at once, its replicas "
                            "are replaced elsewhere, and it cannot join again under this id"));
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_revoke);
    actions->addWidget(m_revokeError, 1);
    actions->addStretch();
    connect(m_revoke, &QPushButton::clicked, this, &AgentsView::revokeSelected);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &AgentsView::updateRevokeButton);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &AgentsView::updateRevokeButton);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &AgentsView::updateRevokeButton);

    m_queueSummary->setObjectName(QStringLiteral("queueSummary"));
    m_queueSummary->setWordWrap(true);
    m_queueView->setModel(m_queueModel);
    m_queueView->setObjectName(QStringLiteral("pendingQueue"));
    m_queueView->setRootIsDecorated(false);
    m_queueView->setAlternatingRowColors(true);
    m_queueView->setUniformRowHeights(true);
    m_queueView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_queueView->header()->setStretchLastSection(true);
    m_queueView->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_queueView->header()->setSectionResizeMode(PendingQueueModel::Reason, QHeaderView::Stretch);
    // A burst of route changes (a scale-out, a pass that admits several) is read once: the
    // queue is a whole-table read, and a quarter second is below what an operator notices.
    m_queueRefresh->setSingleShot(true);
    m_queueRefresh->setInterval(250);
    connect(m_queueRefresh, &QTimer::timeout, this, &AgentsView::fetchQueue);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_joinRow);
    layout->addWidget(m_empty);
    layout->addWidget(m_tree, 3);
    layout->addLayout(actions);
    layout->addWidget(m_queueSummary);
    layout->addWidget(m_queueView, 1);

    connect(&m_client, &ControlClient::endpointChanged, this, &AgentsView::updateSummary);
    connect(&m_client, &ControlClient::endpointRemoved, this, &AgentsView::updateSummary);
    for (auto changed : {&ControlClient::routesChanged, &ControlClient::endpointChanged, &ControlClient::endpointRemoved})
        connect(&m_client, changed, m_queueRefresh, qOverload<>(&QTimer::start));
    connect(&m_history, &MetricsHistory::recorded, this, [this] { m_empty->setVisible(!m_history.hasAgents()); });
    m_empty->setVisible(!m_history.hasAgents());
    // Credentials are read from the store when something changes them: a revocation, or a
    // remote agent seen for the first time (it was issued one when it joined).
    connect(&m_client, &ControlClient::agentRevoked, this, &AgentsView::fetchCredentials);
    connect(&m_history, &MetricsHistory::recorded, this, &AgentsView::fetchCredentialsOfNewAgents);
    setJoinString(m_client.facts().agentJoinString);
    updateSummary();
    fetchCredentials();
    updateRevokeButton();
    fetchQueue();
}

void AgentsView::fetchQueue()
{
    m_client.call(
        this, [](ModelServingService &s) { return s.pendingQueue(); },
        [this](const Result<QList<QueueEntry>> &queue) {
            if (!queue) {
                m_queueSummary->setText(tr("The pending queue cannot be read: %1").arg(queue.error().message));
                return;
            }
            m_queueModel->setQueue(*queue);
            m_queueSummary->setText(queue->isEmpty()
                                        ? tr("Pending queue: no replica waits for room.")
                                        : tr("Pending queue: %1 replica(s) wait for room, by priority, then by age.")
                                              .arg(queue->size()));
            m_queueView->setVisible(!queue->isEmpty());
        });
}

void AgentsView::setJoinString(const QString &joinString)
{
    m_joinString->setText(joinString);
    m_joinString->setCursorPosition(0);
    m_joinRow->setVisible(!joinString.isEmpty());
}

void AgentsView::fetchCredentials()
{
    m_client.call(
        this, [](ModelServingService &s) { return s.agentCredentials(); },
        [this](const Result<QList<AgentCredential>> &credentials) {
            if (!credentials) {
                m_revokeError->showProblem(tr("Agent credentials cannot be read: %1").arg(credentials.error().message));
                return;
            }
            m_model->setCredentials(*credentials);
            updateRevokeButton();
        });
}

void AgentsView::fetchCredentialsOfNewAgents()
{
    // Once per remote agent id: its credential was stored before it was welcomed.
    bool fresh = false;
    for (const AgentStatus &agent : m_history.agents()) {
        if (agent.kind != QLatin1String("remote") || m_credentialsAskedFor.contains(agent.agentId))
            continue;
        m_credentialsAskedFor.insert(agent.agentId);
        fresh = true;
    }
    if (fresh)
        fetchCredentials();
}

void AgentsView::updateRevokeButton()
{
    const QModelIndex current = m_tree->currentIndex();
    const int row = current.isValid() && !current.parent().isValid() ? current.row() : -1;
    m_revoke->setEnabled(row >= 0 && row < m_model->rowCount() && m_model->isRevocable(row));
}

void AgentsView::revokeSelected()
{
    const QModelIndex current = m_tree->currentIndex();
    if (!current.isValid() || current.parent().isValid() || !m_model->isRevocable(current.row()))
        return;
    const QString agentId = m_model->agent(current.row()).agentId;
    if (!Prompt::confirm(this, tr("Revoke agent"),
                         tr("Revoke agent %1? It is cut off at once, the replicas it runs count as lost and are "
                            "replaced elsewhere, and it cannot join again under this id, with its credential or the "
                            "join token.")
                             .arg(agentId),
                         tr("Revoke")))
        return;
    m_revoke->setEnabled(false);
    m_client.call(
        this, [agentId](ModelServingService &s) { return s.revokeAgent(agentId); },
        [this](const Result<AgentRevocation> &revoked) {
            m_revokeError->showProblem(revoked ? QString() : revoked.error().message);
            fetchCredentials();
        });
}

void AgentsView::updateSummary()
{
    // The service's own account (endpoints × replicas × slots), read when an endpoint changes.
    m_client.call(
        this,
        [](ModelServingService &s) { return std::pair(s.allocated(), ResourceSlots(s.config().capacity.total)); },
        [this](const std::pair<ResourceSlots, ResourceSlots> &account) { showSummary(account.first, account.second); });
}

void AgentsView::showSummary(const ResourceSlots &reserved, const ResourceSlots &total)
{
    QString text = tr("Endpoints reserve %1 of %2 CPU cores and %3 of %4 memory")
                       .arg(DisplayFormat::cores(reserved.cpu), DisplayFormat::cores(total.cpu),
                            DisplayFormat::bytes(reserved.memoryBytes), DisplayFormat::bytes(total.memoryBytes));
    if (total.gpu > 0 || reserved.gpu > 0)
        text += tr(", %1 of %2 GPUs").arg(DisplayFormat::cores(reserved.gpu), DisplayFormat::cores(total.gpu));
    text += u'.';
    // What endpoints want counts the replicas still waiting, so it can pass what there is.
    if (!reserved.fitsIn(total))
        text += u' ' + tr("That is more than there is: the rest waits in the pending queue below.");
    m_summary->setText(text);
}

} // namespace ServeDeck
