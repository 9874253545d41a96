#include "autoscaleview.h"

#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/autoscale/autoscaleruleform.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/endpointselector.h"
#include "ui/common/prompt.h"
#include "ui/common/tablecolumns.h"
#include "ui/common/theme.h"
#include "ui/autoscale/rulelistmodel.h"
#include "ui/autoscale/scaleeventmodel.h"
#include "plane/controlclient.h"

namespace ServeDeck {

namespace {

void setUpTable(QTableView *table)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    fitColumnsToContents(table);
}

} // namespace

AutoscaleView::AutoscaleView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_rules(new RuleListModel(client, this))
    , m_events(new ScaleEventModel(client, this))
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, this))
    , m_ruleTable(new QTableView(this))
    , m_newRule(new QPushButton(tr("New rule"), this))
    , m_deleteRule(new QPushButton(tr("Delete rule…"), this))
    , m_deleteError(new QLabel(this))
    , m_counts(new QLabel(this))
    , m_eventTable(new QTableView(this))
    , m_form(new AutoscaleRuleForm(client, this))
{
    m_counts->setObjectName(QStringLiteral("scaleCounts"));
    m_newRule->setObjectName(QStringLiteral("newRule"));
    m_deleteRule->setObjectName(QStringLiteral("deleteRule"));
    m_deleteError->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    m_deleteError->setWordWrap(true);
    m_deleteError->hide();

    m_ruleTable->setModel(m_rules);
    setUpTable(m_ruleTable);
    // The condition names the metric; its source shows in the form when the rule is selected.
    m_ruleTable->hideColumn(RuleListModel::Source);
    m_eventTable->setModel(m_events);
    setUpTable(m_eventTable);

    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, &AutoscaleView::endpointChanged);
    connect(m_ruleTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AutoscaleView::ruleSelected);
    connect(m_newRule, &QPushButton::clicked, this, [this] {
        m_ruleTable->clearSelection();
        m_form->newRule();
    });
    connect(m_deleteRule, &QPushButton::clicked, this, &AutoscaleView::deleteSelectedRule);
    connect(m_form, &AutoscaleRuleForm::submitted, this, [this](const AutoScalingRule &rule) { selectRule(rule.id); });
    connect(m_events, &ScaleEventModel::countsChanged, this, &AutoscaleView::updateCounts);
    // A rule edited elsewhere (the API, another console) must not be overwritten with stale values.
    connect(m_rules, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        const int edited = m_rules->rowOf(m_form->editedRule());
        if (edited >= from.row() && edited <= to.row())
            m_form->editRule(m_rules->rule(edited));
    });
    connect(m_rules, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_form->editedRule().isNull() && m_rules->rowOf(m_form->editedRule()) < 0)
            m_form->newRule();
    });

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Endpoint"), this));
    top->addWidget(m_endpoint);
    top->addStretch(1);

    auto *ruleButtons = new QHBoxLayout;
    ruleButtons->addWidget(m_deleteError, 1);
    ruleButtons->addStretch();
    ruleButtons->addWidget(m_newRule);
    ruleButtons->addWidget(m_deleteRule);
    auto *rulesBox = new QGroupBox(tr("Rules"), this);
    auto *rulesLayout = new QVBoxLayout(rulesBox);
    rulesLayout->addWidget(m_ruleTable, 1);
    rulesLayout->addLayout(ruleButtons);

    auto *eventsBox = new QGroupBox(tr("Scale events"), this);
    auto *eventsLayout = new QVBoxLayout(eventsBox);
    eventsLayout->addWidget(m_counts);
    eventsLayout->addWidget(m_eventTable, 1);

    // A frame, not a titled box: the form says itself whether it makes a new rule or edits one.
    auto *formBox = new QFrame(this);
    formBox->setFrameShape(QFrame::StyledPanel);
    auto *formLayout = new QVBoxLayout(formBox);
    formLayout->setContentsMargins(2, 2, 2, 2);
    formLayout->addWidget(m_form);

    auto *upper = new QHBoxLayout;
    upper->addWidget(rulesBox, 1);
    upper->addWidget(formBox, 0);
    auto *upperWidget = new QWidget(this);
    upperWidget->setLayout(upper);
    upper->setContentsMargins(0, 0, 0, 0);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(upperWidget);
    splitter->addWidget(eventsBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    endpointChanged(m_endpoint->currentEndpoint());
}

AutoscaleView::~AutoscaleView() = default;

void AutoscaleView::endpointChanged(const QUuid &id)
{
    m_rules->setEndpoint(id);
    m_events->setEndpoint(id);
    m_form->setEndpoint(id);
    m_deleteError->hide();
    m_newRule->setEnabled(!id.isNull());
    m_deleteRule->setEnabled(false);
    updateCounts();
}

void AutoscaleView::ruleSelected()
{
    const QModelIndexList rows = m_ruleTable->selectionModel()->selectedRows();
    m_deleteRule->setEnabled(rows.size() == 1);
    if (rows.size() == 1)
        m_form->editRule(m_rules->rule(rows.first().row()));
}

void AutoscaleView::selectRule(const QUuid &ruleId)
{
    const int row = m_rules->rowOf(ruleId);
    if (row >= 0)
        m_ruleTable->selectRow(row);
}

void AutoscaleView::updateCounts()
{
    m_counts->setText(tr("▲ %1 up · ▼ %2 down (last %3 events)")
                          .arg(m_events->upCount())
                          .arg(m_events->downCount())
                          .arg(m_events->rowCount()));
}

void AutoscaleView::deleteSelectedRule()
{
    const QModelIndexList rows = m_ruleTable->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return;
    const AutoScalingRule rule = m_rules->rule(rows.first().row());
    // Read before the question: events handled while it is open may switch the endpoint.
    const QString ref = m_rules->endpoint().toString(QUuid::WithoutBraces);
    if (!Prompt::confirm(this, tr("Delete rule"),
                         tr("Delete the rule “%1”? The endpoint keeps its current replicas.").arg(rule.condition()),
                         tr("Delete")))
        return;
    m_client.call(
        this,
        [ref, id = rule.id](ModelServingService &s) {
            return s.deleteAutoScalingRule(ref, id);
        },
        [this](Result<AutoScalingRule> deleted) {
            m_deleteError->setText(deleted ? QString()
                                           : deleted.error().typeName() + QStringLiteral(": ") + deleted.error().message);
            m_deleteError->setVisible(!deleted);
            Q_EMIT deleteAnswered(deleted.ok());
        });
}

} // namespace ServeDeck
