#include "agentsview.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

#include "ui/agents/agentlistmodel.h"
#include "ui/common/displayformat.h"
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

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_empty);
    layout->addWidget(m_tree, 1);

    connect(&m_client, &ControlClient::endpointChanged, this, &AgentsView::updateSummary);
    connect(&m_client, &ControlClient::endpointRemoved, this, &AgentsView::updateSummary);
    connect(&m_history, &MetricsHistory::recorded, this, [this] { m_empty->setVisible(!m_history.hasAgents()); });
    m_empty->setVisible(!m_history.hasAgents());
    updateSummary();
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
    m_summary->setText(text + u'.');
}

} // namespace ServeDeck
