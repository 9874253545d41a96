#include "tokenview.h"

#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include "auth/ipallowlist.h"
#include "ui/common/displayformat.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/endpointselector.h"
#include "ui/common/prompt.h"
#include "ui/common/secretfile.h"
#include "plane/controlclient.h"
#include "ui/common/tablecolumns.h"
#include "ui/common/errorlabel.h"
#include "ui/common/theme.h"
#include "ui/tokens/tokenlistmodel.h"

namespace ServeDeck {

namespace {

QString okStyle() { return Theme::textStyle(Theme::Role::Success); }

QString describe(const ServiceError &e)
{
    return e.typeName() + QStringLiteral(": ") + e.message;
}

} // namespace

TokenView::TokenView(ControlClient &client, EndpointListModel &endpoints, Clock &clock, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new TokenListModel(client, clock, this))
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, this))
    , m_scope(new QComboBox(this))
    , m_expiryAmount(new QSpinBox(this))
    , m_expiryUnit(new QComboBox(this))
    , m_allowedIps(new QLineEdit(this))
    , m_allowedIpsError(new ErrorLabel(QStringLiteral("allowedIpsError"), this))
    , m_generate(new QPushButton(tr("Generate token"), this))
    , m_generateError(new ErrorLabel(QStringLiteral("generateError"), this))
    , m_tokenField(new QLineEdit(this))
    , m_copy(new QPushButton(tr("Copy"), this))
    , m_export(new QPushButton(tr("Export…"), this))
    , m_result(new QLabel(this))
    , m_table(new QTableView(this))
    , m_revoke(new QPushButton(tr("Revoke…"), this))
    , m_revokeError(new ErrorLabel(QStringLiteral("revokeError"), this))
{
    m_scope->setObjectName(QStringLiteral("scope"));
    m_expiryAmount->setObjectName(QStringLiteral("expiryAmount"));
    m_expiryUnit->setObjectName(QStringLiteral("expiryUnit"));
    m_allowedIps->setObjectName(QStringLiteral("allowedIps"));
    m_generate->setObjectName(QStringLiteral("generate"));
    m_tokenField->setObjectName(QStringLiteral("token"));
    m_copy->setObjectName(QStringLiteral("copy"));
    m_export->setObjectName(QStringLiteral("export"));
    m_result->setObjectName(QStringLiteral("tokenResult"));
    m_revoke->setObjectName(QStringLiteral("revoke"));

    m_scope->addItem(tr("Inference"), QStringLiteral("inference"));
    m_scope->setItemData(0, tr("Send inference requests to the endpoint"), Qt::ToolTipRole);
    m_scope->addItem(tr("Read-only"), QStringLiteral("read-only"));
    m_scope->setItemData(1, tr("Read the endpoint's status and metrics"), Qt::ToolTipRole);
    m_scope->addItem(tr("Admin"), QStringLiteral("admin"));
    m_scope->setItemData(2, tr("Everything, including changes to the endpoint"), Qt::ToolTipRole);

    m_expiryAmount->setRange(1, 100000);
    m_expiryAmount->setValue(30);
    m_expiryUnit->addItem(tr("seconds"), 1);
    m_expiryUnit->addItem(tr("minutes"), 60);
    m_expiryUnit->addItem(tr("hours"), 3600);
    m_expiryUnit->addItem(tr("days"), 86400);
    m_expiryUnit->addItem(tr("never expires"), 0);
    m_expiryUnit->setCurrentIndex(3);
    connect(m_expiryUnit, &QComboBox::currentIndexChanged, this,
            [this] { m_expiryAmount->setEnabled(m_expiryUnit->currentData().toLongLong() > 0); });

    m_allowedIps->setPlaceholderText(tr("any address; or e.g. 10.0.0.0/8, 192.168.1.5"));
    m_allowedIps->setClearButtonEnabled(true);
    connect(m_allowedIps, &QLineEdit::textChanged, this, &TokenView::validate);
    connect(m_generate, &QPushButton::clicked, this, &TokenView::generate);

    m_tokenField->setReadOnly(true);
    m_tokenField->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tokenField->setPlaceholderText(tr("The new token appears here, once: it is not stored, so copy or export it."));
    m_copy->setEnabled(false);
    m_export->setEnabled(false);
    m_result->setWordWrap(true);
    m_result->hide();
    connect(m_copy, &QPushButton::clicked, this, &TokenView::copyToken);
    connect(m_export, &QPushButton::clicked, this, &TokenView::exportWithDialog);

    // The form on one line over the token it made, so the list below gets the window's width.
    auto *expiry = new QHBoxLayout;
    expiry->addWidget(m_expiryAmount);
    expiry->addWidget(m_expiryUnit);
    auto *form = new QGridLayout;
    form->addWidget(new QLabel(tr("Scope"), this), 0, 0);
    form->addWidget(m_scope, 0, 1);
    form->addWidget(new QLabel(tr("Expires after"), this), 0, 2);
    form->addLayout(expiry, 0, 3);
    form->addWidget(new QLabel(tr("Allowed IPs"), this), 0, 4);
    form->addWidget(m_allowedIps, 0, 5);
    form->addWidget(m_generate, 0, 6);
    form->addWidget(m_allowedIpsError, 1, 5, 1, 2);
    form->setColumnStretch(5, 1);
    form->setColumnMinimumWidth(5, 260);
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(new QLabel(tr("Token"), this));
    tokenRow->addWidget(m_tokenField, 1);
    tokenRow->addWidget(m_copy);
    tokenRow->addWidget(m_export);

    auto *newBox = new QGroupBox(tr("New token"), this);
    auto *newLayout = new QVBoxLayout(newBox);
    newLayout->addLayout(form);
    newLayout->addWidget(m_generateError);
    newLayout->addLayout(tokenRow);
    newLayout->addWidget(m_result);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    fitColumnsToContents(m_table);
    m_revoke->setEnabled(false);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TokenView::updateRevoke);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &TokenView::updateRevoke);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TokenView::updateRevoke);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &TokenView::updateRevoke);
    connect(m_revoke, &QPushButton::clicked, this, &TokenView::revokeSelected);
    auto *revokeRow = new QHBoxLayout;
    revokeRow->addWidget(m_revokeError, 1);
    revokeRow->addStretch();
    revokeRow->addWidget(m_revoke);

    auto *issuedBox = new QGroupBox(tr("Issued tokens"), this);
    auto *issuedLayout = new QVBoxLayout(issuedBox);
    issuedLayout->addWidget(m_table, 1);
    issuedLayout->addLayout(revokeRow);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Endpoint"), this));
    top->addWidget(m_endpoint);
    top->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(newBox);
    layout->addWidget(issuedBox, 1);

    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, &TokenView::endpointChanged);
    endpointChanged(m_endpoint->currentEndpoint());
}

TokenView::~TokenView() = default;

void TokenView::endpointChanged(const QUuid &id)
{
    m_model->setEndpoint(id);
    // A token belongs to the endpoint it was made for; it must not linger under another's name.
    m_token.clear();
    m_tokenField->clear();
    m_copy->setEnabled(false);
    m_export->setEnabled(false);
    showResult({}, false);
    m_generateError->showProblem({});
    m_revokeError->showProblem({});
    validate();
}

QStringList TokenView::allowedIps() const
{
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    return m_allowedIps->text().split(separators, Qt::SkipEmptyParts);
}

void TokenView::validate()
{
    QString problem;
    if (auto parsed = IpAllowlist::parse(allowedIps()); !parsed)
        problem = parsed.error().message;
    m_allowedIpsError->showProblem(problem);
    m_allowedIps->setStyleSheet(problem.isEmpty() ? QString() : QStringLiteral("border: 1px solid %1;").arg(Theme::color(Theme::Role::Error).name()));
    m_generate->setEnabled(problem.isEmpty() && !m_endpoint->currentEndpoint().isNull() && !m_generating);
}

void TokenView::generate()
{
    const QUuid endpoint = m_endpoint->currentEndpoint();
    if (endpoint.isNull() || !m_generate->isEnabled())
        return;
    TokenRequest request;
    request.scope = m_scope->currentData().toString();
    if (const qint64 unit = m_expiryUnit->currentData().toLongLong(); unit > 0)
        request.expirySeconds = m_expiryAmount->value() * unit;
    request.allowedIps = allowedIps();
    // Busy until the answer: the button is off and says so.
    m_generating = true;
    m_generate->setText(tr("Generating…"));
    // The token is shown under the endpoint it is for: the choice waits for the answer.
    m_endpoint->setEnabled(false);
    validate();
    m_client.call(
        this,
        [ref = endpoint.toString(QUuid::WithoutBraces), request](ModelServingService &s) {
            return s.generateToken(ref, request);
        },
        [this, endpoint](Result<GeneratedToken> generated) { showGenerated(endpoint, generated); });
}

bool TokenView::isGenerating() const
{
    return m_generating;
}

void TokenView::showGenerated(const QUuid &endpoint, const Result<GeneratedToken> &generated)
{
    m_generating = false;
    m_generate->setText(tr("Generate token"));
    m_endpoint->setEnabled(true);
    validate();
    Q_EMIT generateAnswered(generated.ok());
    // The endpoint went away meanwhile (the selector moved on): its secret must not appear under
    // another endpoint's name. The grant is in that endpoint's list, where it can be revoked.
    if (endpoint != m_endpoint->currentEndpoint())
        return;
    if (!generated) {
        m_generateError->showProblem(describe(generated.error()));
        return;
    }
    m_generateError->showProblem({});
    m_token = generated->token;
    m_tokenField->setText(QString::fromLatin1(m_token));
    m_tokenField->setCursorPosition(0);
    m_copy->setEnabled(true);
    m_export->setEnabled(true);
    const TokenGrant &grant = generated->grant;
    showResult(grant.expiresAt ? tr("Issued token %1, valid until %2.")
                                     .arg(DisplayFormat::shortId(grant.id), DisplayFormat::time(*grant.expiresAt))
                               : tr("Issued token %1; it never expires.").arg(DisplayFormat::shortId(grant.id)),
               false);
    // The service announces revocations but not new grants; the list catches up here.
    m_model->refresh();
}

void TokenView::copyToken()
{
    QGuiApplication::clipboard()->setText(QString::fromLatin1(m_token));
    showResult(tr("Copied to the clipboard."), false);
}

void TokenView::exportWithDialog()
{
    const QString name = m_endpoint->currentText() + QStringLiteral(".token");
    const QString path = Prompt::saveFileName(this, tr("Export token"), QDir::home().filePath(name));
    if (!path.isEmpty())
        exportToken(path);
}

bool TokenView::exportToken(const QString &path)
{
    if (m_token.isEmpty())
        return false;
    if (auto written = writeSecretFile(path, m_token); !written) {
        showResult(describe(written.error()), true);
        return false;
    }
    showResult(tr("Written to %1 (readable by you only).").arg(QDir::toNativeSeparators(path)), false);
    return true;
}

void TokenView::showResult(const QString &text, bool isError)
{
    m_result->setText(text);
    m_result->setVisible(!text.isEmpty());
    m_result->setStyleSheet(isError ? Theme::textStyle(Theme::Role::Error) : okStyle());
}

void TokenView::updateRevoke()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    m_revoke->setEnabled(rows.size() == 1 && !rows.first().data(TokenListModel::RevokedRole).toBool());
}

void TokenView::revokeSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return;
    const QString tokenId = rows.first().data(TokenListModel::TokenIdRole).toString();
    // Read before the question: events handled while it is open may switch the endpoint.
    const QString ref = m_model->endpoint().toString(QUuid::WithoutBraces);
    if (!Prompt::confirm(this, tr("Revoke token"),
                         tr("Revoke token %1? Requests that carry it are refused from now on.")
                             .arg(DisplayFormat::shortId(tokenId)),
                         tr("Revoke")))
        return;
    m_revoke->setEnabled(false);
    m_client.call(
        this,
        [ref, tokenId](ModelServingService &s) {
            return s.revokeToken(ref, tokenId);
        },
        [this](Result<TokenGrant> revoked) {
            m_revokeError->showProblem(revoked ? QString() : describe(revoked.error()));
            updateRevoke();
            Q_EMIT revokeAnswered(revoked.ok());
        });
}

} // namespace ServeDeck
