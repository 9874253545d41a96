#include "errorbrowserview.h"

#include <QAction>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSet>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/common/displayformat.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/endpointselector.h"
#include "ui/errors/errorfiltermodel.h"
#include "ui/errors/errorlistmodel.h"
#include "ui/common/prompt.h"
#include "ui/common/tablecolumns.h"
#include "plane/controlclient.h"
#include "ui/common/theme.h"

namespace ServeDeck {

namespace {

QLabel *selectableLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    // What these show comes from agents and replicas: markup in it is text, never rendered.
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ErrorBrowserView::ErrorBrowserView(ControlClient &client, EndpointListModel &endpoints, Clock &clock,
                                   QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new ErrorListModel(client, this))
    , m_filter(new ErrorFilterModel(clock, this))
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::AllOrOne, this))
    , m_type(new QComboBox(this))
    , m_range(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_table(new QTableView(this))
    , m_detailTitle(new QLabel(this))
    , m_time(selectableLabel(this))
    , m_where(selectableLabel(this))
    , m_agent(selectableLabel(this))
    , m_exit(selectableLabel(this))
    , m_message(selectableLabel(this))
    , m_log(new QPlainTextEdit(this))
    , m_clear(new QAction(tr("Clear errors…"), this))
    , m_clearResult(new QLabel(this))
{
    m_filter->setSourceModel(m_model);
    m_exit->setObjectName(QStringLiteral("exitStatus"));
    m_log->setObjectName(QStringLiteral("logTail"));

    m_type->addItem(tr("All types"), QString());
    for (const QString &kind : knownErrorKinds())
        m_type->addItem(kind, kind);
    m_range->addItem(tr("Any time"), int(ErrorFilterModel::Range::All));
    m_range->addItem(tr("Last hour"), int(ErrorFilterModel::Range::LastHour));
    m_range->addItem(tr("Last day"), int(ErrorFilterModel::Range::LastDay));
    m_search->setPlaceholderText(tr("Search messages and logs"));
    m_search->setClearButtonEnabled(true);
    m_clear->setToolTip(tr("Clear the shown endpoint's errors; its retry counter resets so scaling resumes"));
    auto *clearButton = new QToolButton(this);
    clearButton->setDefaultAction(m_clear);
    clearButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_clearResult->setObjectName(QStringLiteral("clearResult"));
    m_clearResult->setTextFormat(Qt::PlainText);

    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, m_filter, &ErrorFilterModel::setEndpoint);
    connect(m_type, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setType(m_type->currentData().toString()); });
    connect(m_range, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setRange(ErrorFilterModel::Range(m_range->currentData().toInt())); });
    connect(m_search, &QLineEdit::textChanged, m_filter, &ErrorFilterModel::setText);
    connect(m_clear, &QAction::triggered, this, &ErrorBrowserView::clearErrors);

    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ErrorListModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    fitColumnsToContents(m_table);
    // The message takes what the short columns leave; the detail pane shows all of it.
    m_table->horizontalHeader()->setSectionResizeMode(ErrorListModel::Message, QHeaderView::Stretch);
    // Selection, not the current index: a click on the row that is already current still selects it.
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ErrorBrowserView::showDetail);
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_filter, signal, this, [this] {
            updateCount();
            showDetail();
        });
    }
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this] {
        updateCount();
        showDetail();
    });
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &ErrorBrowserView::showDetail);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_endpoint);
    filters->addWidget(m_type);
    filters->addWidget(m_range);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_count);
    filters->addWidget(clearButton);

    // The detail pane: facts on the left, the replica's last output on the right.
    m_detailTitle->setTextFormat(Qt::PlainText);
    QFont titleFont = m_detailTitle->font();
    titleFont.setBold(true);
    m_detailTitle->setFont(titleFont);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    auto *facts = new QFormLayout;
    facts->addRow(tr("Time"), m_time);
    facts->addRow(tr("Where"), m_where);
    facts->addRow(tr("Agent"), m_agent);
    facts->addRow(tr("Exit"), m_exit);
    facts->addRow(tr("Message"), m_message);
    auto *factsBox = new QVBoxLayout;
    factsBox->addWidget(m_detailTitle);
    factsBox->addLayout(facts);
    factsBox->addStretch(1);

    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("No log output was captured."));
    auto *logBox = new QVBoxLayout;
    logBox->addWidget(new QLabel(tr("Log tail"), this));
    logBox->addWidget(m_log, 1);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QHBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addLayout(factsBox, 2);
    detailLayout->addLayout(logBox, 3);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_clearResult);
    layout->addWidget(splitter, 1);
    m_clearResult->hide();

    updateCount();
    showDetail();
}

ErrorBrowserView::~ErrorBrowserView() = default;

void ErrorBrowserView::updateCount()
{
    m_count->setText(tr("%1 of %2").arg(m_filter->rowCount()).arg(m_model->rowCount()));
    m_clear->setEnabled(m_model->rowCount() > 0);
}

void ErrorBrowserView::showDetail()
{
    const QModelIndexList selected = m_table->selectionModel()->selectedRows();
    const QModelIndex current = selected.size() == 1 ? m_filter->mapToSource(selected.first()) : QModelIndex();
    if (!current.isValid()) {
        m_detailTitle->setText(tr("Select an error to see its exit status and log tail."));
        for (QLabel *label : {m_time, m_where, m_agent, m_exit, m_message})
            label->clear();
        m_log->clear();
        return;
    }
    const ErrorRecord &r = m_model->record(current.row());
    m_detailTitle->setText(tr("%1 on %2").arg(r.type, m_model->endpointName(r.endpointId)));
    m_time->setText(DisplayFormat::time(r.time));
    QStringList where;
    if (!r.replicaId.isEmpty())
        where << tr("replica %1").arg(r.replicaId);
    if (!r.routeId.isEmpty())
        where << tr("route %1").arg(DisplayFormat::shortId(r.routeId));
    m_where->setText(where.isEmpty() ? tr("the endpoint") : where.join(QStringLiteral(", ")));
    m_where->setToolTip(r.routeId);
    m_agent->setText(r.agentId.isEmpty() ? tr("none") : r.agentId);
    const QString exit = DisplayFormat::exitStatus(r);
    m_exit->setText(exit.isEmpty() ? tr("none recorded") : exit);
    m_message->setText(r.message);
    m_log->setPlainText(r.logTail);
    // The end of a log is where the failure is.
    m_log->moveCursor(QTextCursor::End);
    m_log->ensureCursorVisible();
}

void ErrorBrowserView::clearErrors()
{
    const QUuid selected = m_endpoint->currentEndpoint();
    QList<QUuid> targets;
    if (!selected.isNull()) {
        targets << selected;
    } else {
        QSet<QUuid> seen;
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const QUuid id = m_model->record(row).endpointId;
            if (!seen.contains(id)) {
                seen.insert(id);
                targets << id;
            }
        }
    }
    if (targets.isEmpty())
        return;
    const QString question = selected.isNull()
        ? tr("Clear the errors of every endpoint?")
        : tr("Clear every error of %1?").arg(m_model->endpointName(selected));
    if (!Prompt::confirm(this, tr("Clear errors"),
                         question + u'\n' + tr("Their retry counters reset, so scaling starts replicas again."),
                         tr("Clear errors")))
        return;
    m_clear->setEnabled(false);
    m_client.call(
        this,
        [targets](ModelServingService &s) {
            QStringList failures;
            for (const QUuid &id : std::as_const(targets)) {
                auto cleared = s.clearErrors(id.toString(QUuid::WithoutBraces));
                // An endpoint deleted since has nothing left to reset; its rows stay until a reload.
                if (!cleared && cleared.error().type != ErrorType::NotFound)
                    failures << cleared.error().typeName() + QStringLiteral(": ") + cleared.error().message;
            }
            return failures;
        },
        [this](const QStringList &failures) { showCleared(failures); });
}

void ErrorBrowserView::showCleared(const QStringList &failures)
{
    m_clear->setEnabled(m_model->rowCount() > 0);
    Q_EMIT clearAnswered(failures.isEmpty());
    m_clearResult->setText(failures.join(u'\n'));
    m_clearResult->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    m_clearResult->setVisible(!failures.isEmpty());
}

} // namespace ServeDeck
