#include "trypanel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "api/jsoncodec.h"
#include "plane/controlclient.h"
#include "traffic/trybodystore.h"
#include "traffic/tryrequest.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/common/theme.h"
#include "ui/endpoints/endpointlistmodel.h"

namespace ServeDeck {

namespace {

// Where a masked header keeps its real value; the cell shows kMasked instead.
constexpr int kSecretRole = Qt::UserRole + 1;
const QString kMasked = QStringLiteral("Bearer ••••••••");

QString milliseconds(double ms)
{
    return ms < 0 ? QStringLiteral("–") : QString::number(ms, 'f', 1);
}

// An answer as an operator reads it: JSON indented, anything else as it came.
QString readable(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && !doc.isNull())
        return QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    return QString::fromUtf8(body);
}

// A stream's text, as an OpenAI-style client shows it: each event's content delta (chat) or
// text (completions) in order. Empty when the events carry neither.
QString streamedText(const QList<TryEvent> &events)
{
    QString text;
    for (const TryEvent &event : events) {
        const QJsonObject choice =
            QJsonDocument::fromJson(event.data).object().value(QStringLiteral("choices")).toArray().at(0).toObject();
        const QJsonValue delta = choice.value(QStringLiteral("delta")).toObject().value(QStringLiteral("content"));
        text += delta.isString() ? delta.toString() : choice.value(QStringLiteral("text")).toString();
    }
    return text;
}

} // namespace

TryPanel::TryPanel(ControlClient &client, EndpointListModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_endpoints(endpoints)
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, this))
    , m_method(new QComboBox(this))
    , m_path(new QLineEdit(this))
    , m_url(new QLabel(this))
    , m_body(new QPlainTextEdit(this))
    , m_headers(new QTableWidget(0, 2, this))
    , m_addHeader(new QPushButton(tr("Add header"), this))
    , m_removeHeader(new QPushButton(tr("Remove header"), this))
    , m_mint(new QPushButton(tr("Mint a short-lived token"), this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_problem(new ErrorLabel(QStringLiteral("tryProblem"), this))
    , m_status(new QLabel(this))
    , m_route(new QLabel(this))
    , m_revision(new QLabel(this))
    , m_timings(new QLabel(this))
    , m_stream(new QLabel(this))
    , m_events(new QTableWidget(0, 2, this))
    , m_answer(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("tryPanel"));
    qRegisterMetaType<ServeDeck::TryResult>();
    qRegisterMetaType<ServeDeck::TryEvent>();
    m_method->setObjectName(QStringLiteral("tryMethod"));
    m_method->addItems({QStringLiteral("POST"), QStringLiteral("GET"), QStringLiteral("PUT")});
    m_path->setObjectName(QStringLiteral("tryPath"));
    m_path->setPlaceholderText(tr("/predict"));
    m_url->setObjectName(QStringLiteral("tryUrl"));
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_url->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    m_body->setObjectName(QStringLiteral("tryBody"));
    m_body->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_body->setPlaceholderText(tr("Request body (JSON)"));
    m_headers->setObjectName(QStringLiteral("tryHeaders"));
    m_headers->setHorizontalHeaderLabels({tr("Header"), tr("Value")});
    m_headers->horizontalHeader()->setStretchLastSection(true);
    m_headers->verticalHeader()->hide();
    m_mint->setObjectName(QStringLiteral("tryMintToken"));
    m_mint->setToolTip(tr("An inference token for this endpoint that expires in %1 minutes").arg(kTokenExpirySeconds / 60));
    m_send->setObjectName(QStringLiteral("trySend"));
    m_send->setDefault(true);
    m_cancel->setObjectName(QStringLiteral("tryCancel"));
    for (QLabel *label : {m_status, m_route, m_revision, m_timings, m_stream})
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("tryStatus"));
    m_route->setObjectName(QStringLiteral("tryRoute"));
    m_revision->setObjectName(QStringLiteral("tryRevision"));
    m_timings->setObjectName(QStringLiteral("tryTimings"));
    m_stream->setObjectName(QStringLiteral("tryStream"));
    m_events->setObjectName(QStringLiteral("tryEvents"));
    m_events->setHorizontalHeaderLabels({tr("Time (ms)"), tr("Event")});
    m_events->horizontalHeader()->setStretchLastSection(true);
    m_events->verticalHeader()->hide();
    m_events->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_answer->setObjectName(QStringLiteral("tryAnswer"));
    m_answer->setReadOnly(true);
    m_answer->setPlaceholderText(tr("The answer appears here"));

    auto *top = new QHBoxLayout;
    auto *endpointLabel = new QLabel(tr("Endpoint"), this);
    endpointLabel->setBuddy(m_endpoint);
    top->addWidget(endpointLabel);
    top->addWidget(m_endpoint);
    top->addWidget(m_method);
    auto *pathLabel = new QLabel(tr("Path"), this);
    pathLabel->setBuddy(m_path);
    top->addWidget(pathLabel);
    top->addWidget(m_path, 1);

    auto *request = new QGroupBox(tr("Request"), this);
    auto *requestLayout = new QVBoxLayout(request);
    requestLayout->addWidget(m_url);
    requestLayout->addWidget(m_body, 3);
    auto *headerButtons = new QHBoxLayout;
    headerButtons->addWidget(m_addHeader);
    headerButtons->addWidget(m_removeHeader);
    headerButtons->addStretch(1);
    headerButtons->addWidget(m_mint);
    requestLayout->addWidget(m_headers, 1);
    requestLayout->addLayout(headerButtons);
    auto *sendRow = new QHBoxLayout;
    sendRow->addWidget(m_problem, 1);
    sendRow->addStretch();
    sendRow->addWidget(m_cancel);
    sendRow->addWidget(m_send);
    requestLayout->addLayout(sendRow);

    auto *answer = new QGroupBox(tr("Answer"), this);
    auto *answerLayout = new QVBoxLayout(answer);
    auto *facts = new QFormLayout;
    facts->addRow(tr("Status"), m_status);
    facts->addRow(tr("Route"), m_route);
    facts->addRow(tr("Revision"), m_revision);
    facts->addRow(tr("Timings"), m_timings);
    facts->addRow(tr("Stream"), m_stream);
    answerLayout->addLayout(facts);
    answerLayout->addWidget(m_events, 2);
    answerLayout->addWidget(m_answer, 1);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(request);
    split->addWidget(answer);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, &TryPanel::endpointChanged);
    connect(m_addHeader, &QPushButton::clicked, this, [this] {
        m_headers->insertRow(m_headers->rowCount());
        m_headers->setCurrentCell(m_headers->rowCount() - 1, 0);
        m_headers->editItem(m_headers->item(m_headers->rowCount() - 1, 0));
    });
    connect(m_removeHeader, &QPushButton::clicked, this, [this] {
        if (m_headers->currentRow() >= 0)
            m_headers->removeRow(m_headers->currentRow());
    });
    connect(m_mint, &QPushButton::clicked, this, &TryPanel::mintToken);
    connect(m_send, &QPushButton::clicked, this, &TryPanel::send);
    connect(m_cancel, &QPushButton::clicked, this, &TryPanel::cancel);
    // The selector may hold an endpoint already (the list had rows before the panel was made).
    endpointChanged(m_endpoint->currentEndpoint());
}

TryPanel::~TryPanel() = default;

bool TryPanel::running() const
{
    return m_request && m_request->running();
}

void TryPanel::setEndpoint(const QUuid &id)
{
    m_endpoint->setCurrentEndpoint(id);
    if (m_current != id)
        endpointChanged(id);
}

void TryPanel::endpointChanged(const QUuid &id)
{
    m_current = id;
    m_problem->showProblem({});
    for (int row = m_headers->rowCount() - 1; row >= 0; --row) {
        // A token minted for one endpoint opens no other.
        if (m_headers->item(row, 1) && m_headers->item(row, 1)->data(kSecretRole).isValid())
            m_headers->removeRow(row);
    }
    const EndpointInfo *info = m_endpoints.find(id);
    if (!info) {
        m_url->clear();
        updateButtons();
        return;
    }
    m_url->setText(info->endpoint.url);
    // The definition's hints as the API shows them (models[].request), when it has any.
    const QJsonObject hints = JsonCodec::toJson(*info).value(QStringLiteral("request")).toObject();
    m_path->setText(hints.value(QStringLiteral("path")).toString());
    QByteArray body;
    const QJsonValue example = hints.value(QStringLiteral("example"));
    if (example.isString())
        body = example.toString().toUtf8();
    else if (example.isObject())
        body = QJsonDocument(example.toObject()).toJson(QJsonDocument::Compact);
    const bool fromExample = !body.isEmpty();
    if (body.isEmpty())
        body = QByteArrayLiteral("{}");
    m_body->setPlainText(QString::fromUtf8(body));
    updateButtons();
    if (fromExample || m_client.facts().dataDir.isEmpty())
        return;
    // The last body tried here, read off this thread (a file in the data dir); it replaces the
    // {} shown meanwhile unless the operator has typed since.
    m_client.call(
        this,
        [dir = m_client.facts().dataDir, ref = id.toString(QUuid::WithoutBraces)](ModelServingService &) {
            return TryBodyStore(dir).lastBody(ref);
        },
        [this, id, shown = m_body->toPlainText()](const QByteArray &last) {
            if (id == m_current && !last.isEmpty() && m_body->toPlainText() == shown)
                m_body->setPlainText(QString::fromUtf8(last));
        });
}

void TryPanel::setHeader(const QString &name, const QString &value, bool secret)
{
    int row = 0;
    for (; row < m_headers->rowCount(); ++row) {
        if (m_headers->item(row, 0) && m_headers->item(row, 0)->text().compare(name, Qt::CaseInsensitive) == 0)
            break;
    }
    if (row == m_headers->rowCount())
        m_headers->insertRow(row);
    m_headers->setItem(row, 0, new QTableWidgetItem(name));
    auto *item = new QTableWidgetItem(secret ? kMasked : value);
    if (secret) {
        item->setData(kSecretRole, value);
        item->setToolTip(tr("Minted for this endpoint; expires in %1 minutes").arg(kTokenExpirySeconds / 60));
    }
    m_headers->setItem(row, 1, item);
}

void TryPanel::mintToken()
{
    const EndpointInfo *info = m_endpoints.find(m_current);
    if (!info || m_minting)
        return;
    m_minting = true;
    updateButtons();
    const QString ref = m_current.toString(QUuid::WithoutBraces);
    const QUuid forEndpoint = m_current;
    m_client.call(
        this,
        [ref](ModelServingService &service) {
            TokenRequest request;
            request.scope = QStringLiteral("inference");
            request.expirySeconds = kTokenExpirySeconds;
            return service.generateToken(ref, request);
        },
        [this, forEndpoint](Result<GeneratedToken> token) {
            m_minting = false;
            updateButtons();
            if (!token) {
                m_problem->showProblem(token.error().typeName() + QStringLiteral(": ") + token.error().message);
                return;
            }
            if (forEndpoint != m_current)
                return;  // the operator moved on; that endpoint's token is not for this one
            setHeader(QStringLiteral("Authorization"), QStringLiteral("Bearer ") + QString::fromLatin1(token->token), true);
            m_problem->showProblem({});
            Q_EMIT tokenMinted();
        });
}

void TryPanel::send()
{
    const EndpointInfo *info = m_endpoints.find(m_current);
    if (!info || running())
        return;
    TrySettings settings;
    settings.url = info->endpoint.url;
    settings.path = m_path->text().trimmed();
    if (!settings.path.isEmpty() && !settings.path.startsWith(u'/'))
        settings.path.prepend(u'/');
    settings.method = m_method->currentText().toLatin1();
    settings.body = settings.method == "GET" ? QByteArray() : m_body->toPlainText().toUtf8();
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QTableWidgetItem *name = m_headers->item(row, 0);
        const QTableWidgetItem *value = m_headers->item(row, 1);
        if (!name || name->text().trimmed().isEmpty())
            continue;
        const QVariant secret = value ? value->data(kSecretRole) : QVariant();
        const QString text = secret.isValid() && value->text() == kMasked ? secret.toString() : value ? value->text() : QString();
        const auto header = TryRequest::parseHeader(name->text() + QStringLiteral(": ") + text);
        if (!header) {
            m_problem->showProblem(header.error().message);
            return;
        }
        settings.headers.append(*header);
    }
    if (const auto valid = TryRequest::validate(settings); !valid) {
        m_problem->showProblem(valid.error().message);
        return;
    }
    m_problem->showProblem({});
    if (!m_client.facts().dataDir.isEmpty()) {
        // Kept for the next try, written off this thread.
        m_client.call(
            this,
            [dir = m_client.facts().dataDir, ref = m_current.toString(QUuid::WithoutBraces),
             body = settings.body](ModelServingService &) { return TryBodyStore(dir).remember(ref, body); },
            [this](const Result<Done> &kept) {
                if (!kept)
                    m_problem->showProblem(kept.error().message);
            });
    }

    delete m_request;
    m_request = new TryRequest(settings, this);
    connect(m_request, &TryRequest::eventArrived, this, &TryPanel::addEvent);
    connect(m_request, &TryRequest::finished, this, &TryPanel::showResult);
    m_events->setRowCount(0);
    m_answer->clear();
    m_status->setText(tr("Sending…"));
    m_status->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    m_route->clear();
    m_revision->clear();
    m_timings->clear();
    m_stream->clear();
    if (const auto started = m_request->start(); !started) {
        m_problem->showProblem(started.error().message);
        m_status->clear();
    }
    updateButtons();
}

void TryPanel::cancel()
{
    if (m_request)
        m_request->cancel();
}

void TryPanel::addEvent(const TryEvent &event)
{
    if (m_events->rowCount() >= kMaxEventRows)
        return;
    const int row = m_events->rowCount();
    m_events->insertRow(row);
    m_events->setItem(row, 0, new QTableWidgetItem(milliseconds(event.atMs)));
    m_events->setItem(row, 1, new QTableWidgetItem(QString::fromUtf8(event.data)));
    m_events->scrollToBottom();
    m_stream->setText(tr("Events so far: %1").arg(row + 1));
}

void TryPanel::showResult(const TryResult &r)
{
    if (r.status == 0)
        m_status->setText(tr("No answer: %1").arg(r.error));
    else if (!r.error.isEmpty())
        m_status->setText(tr("%1, then: %2").arg(r.status).arg(r.error));  // an answer cut short
    else
        m_status->setText(QString::number(r.status));
    m_status->setStyleSheet(Theme::textStyle(r.ok() ? Theme::Role::Success : Theme::Role::Error));
    m_route->setText(r.routeId.isEmpty() ? tr("–") : QString::fromLatin1(r.routeId));
    m_revision->setText(r.revision.isEmpty() ? tr("–") : QString::fromLatin1(r.revision));
    m_timings->setText(tr("connect %1 ms · first byte %2 ms · total %3 ms")
                           .arg(r.connectMs < 0 ? tr("reused") : milliseconds(r.connectMs), milliseconds(r.firstByteMs),
                                milliseconds(r.totalMs)));
    if (r.stream) {
        m_stream->setText(tr("events: %1 · time to first token %2 ms · %3 tokens/s")
                              .arg(r.eventCount)
                              .arg(r.ttftMs ? milliseconds(*r.ttftMs) : tr("–"),
                                   r.tokensPerSecond ? QString::number(*r.tokensPerSecond, 'f', 1) : tr("–")));
    } else {
        m_stream->setText(tr("not a stream"));
    }
    m_events->setVisible(r.stream || m_events->rowCount() > 0);
    if (r.stream) {
        const QString text = streamedText(r.events);
        m_answer->setPlainText(text.isEmpty() ? tr("The stream's events are listed above.") : text);
    } else {
        m_answer->setPlainText(readable(r.body));
    }
    updateButtons();
    Q_EMIT answered(r);
}

void TryPanel::updateButtons()
{
    const EndpointInfo *info = m_endpoints.find(m_current);
    const bool busy = running();
    m_send->setEnabled(info && !busy);
    m_cancel->setEnabled(busy);
    // Public endpoints take no token.
    m_mint->setEnabled(info && !info->endpoint.isPublic && !m_minting);
}

} // namespace ServeDeck
