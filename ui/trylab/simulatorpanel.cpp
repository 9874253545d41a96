#include "simulatorpanel.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include "demo/trafficrunner.h"
#include "plane/controlclient.h"
#include "service/modelservingservice.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/common/theme.h"
#include "ui/endpoints/endpointlistmodel.h"

namespace ServeDeck {

namespace {

QString typed(const ServiceError &error)
{
    return error.typeName() + QStringLiteral(": ") + error.message;
}

} // namespace

SimulatorPanel::SimulatorPanel(ControlClient &client, EndpointListModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_endpoints(endpoints)
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, this))
    , m_pattern(new QComboBox(this))
    , m_minRate(new QDoubleSpinBox(this))
    , m_maxRate(new QDoubleSpinBox(this))
    , m_period(new QSpinBox(this))
    , m_interval(new QSpinBox(this))
    , m_randomInterval(new QCheckBox(tr("Random interval (50–150 %)"), this))
    , m_batchMin(new QSpinBox(this))
    , m_batchMax(new QSpinBox(this))
    , m_start(new QPushButton(tr("Start"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_problem(new ErrorLabel(QStringLiteral("simulatorProblem"), this))
    , m_live(new QLabel(this))
    , m_runner(new TrafficRunner(this))
    , m_renew(new QTimer(this))
{
    setObjectName(QStringLiteral("simulatorPanel"));
    const std::pair<TrafficPattern::Kind, QString> kinds[] = {
        {TrafficPattern::Kind::Constant, tr("Constant")},
        {TrafficPattern::Kind::Linear, tr("Linear (min to max over the period)")},
        {TrafficPattern::Kind::Seasonal, tr("Seasonal (a sinusoid)")},
        {TrafficPattern::Kind::RandomWalk, tr("Random walk")},
        {TrafficPattern::Kind::Exponential, tr("Exponential")},
        {TrafficPattern::Kind::Cyclical, tr("Cyclical")},
    };
    for (const auto &[kind, label] : kinds)
        m_pattern->addItem(label, TrafficPattern::kindName(kind));
    m_pattern->setObjectName(QStringLiteral("simulatorPattern"));
    // Wide ranges on purpose: the settings' own checks say what is out of bounds, typed.
    for (QDoubleSpinBox *rate : {m_minRate, m_maxRate}) {
        rate->setRange(0, 1e6);
        rate->setDecimals(1);
        rate->setSuffix(tr(" requests/s"));
    }
    m_minRate->setObjectName(QStringLiteral("simulatorMinRate"));
    m_maxRate->setObjectName(QStringLiteral("simulatorMaxRate"));
    m_minRate->setValue(5);
    m_maxRate->setValue(20);
    m_period->setObjectName(QStringLiteral("simulatorPeriod"));
    m_period->setRange(0, 30 * 24 * 3600);
    m_period->setSuffix(tr(" s"));
    m_period->setValue(120);
    m_interval->setObjectName(QStringLiteral("simulatorInterval"));
    m_interval->setRange(0, 24 * 3600 * 1000);
    m_interval->setSingleStep(100);
    m_interval->setSuffix(tr(" ms"));
    m_interval->setValue(1000);
    m_randomInterval->setObjectName(QStringLiteral("simulatorRandomInterval"));
    for (QSpinBox *batch : {m_batchMin, m_batchMax}) {
        batch->setRange(0, 100000);
        batch->setValue(1);
    }
    m_batchMin->setObjectName(QStringLiteral("simulatorBatchMin"));
    m_batchMax->setObjectName(QStringLiteral("simulatorBatchMax"));
    m_start->setObjectName(QStringLiteral("simulatorStart"));
    m_start->setDefault(true);
    m_stop->setObjectName(QStringLiteral("simulatorStop"));
    m_live->setObjectName(QStringLiteral("simulatorLive"));
    m_live->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_live->setWordWrap(true);
    m_live->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    m_live->setText(tr("Not running"));

    auto *top = new QHBoxLayout;
    auto *endpointLabel = new QLabel(tr("Endpoint"), this);
    endpointLabel->setBuddy(m_endpoint);
    top->addWidget(endpointLabel);
    top->addWidget(m_endpoint, 1);

    auto *form = new QGroupBox(tr("Traffic"), this);
    auto *formLayout = new QFormLayout(form);
    formLayout->addRow(tr("Pattern"), m_pattern);
    formLayout->addRow(tr("Minimum rate"), m_minRate);
    formLayout->addRow(tr("Maximum rate"), m_maxRate);
    formLayout->addRow(tr("Period"), m_period);
    formLayout->addRow(tr("Interval"), m_interval);
    formLayout->addRow(QString(), m_randomInterval);
    auto *batch = new QHBoxLayout;
    batch->addWidget(m_batchMin);
    batch->addWidget(new QLabel(tr("to"), this));
    batch->addWidget(m_batchMax);
    batch->addStretch(1);
    formLayout->addRow(tr("Inputs per request"), batch);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_problem, 1);
    buttons->addStretch();
    buttons->addWidget(m_stop);
    buttons->addWidget(m_start);

    auto *live = new QGroupBox(tr("Now"), this);
    auto *liveLayout = new QVBoxLayout(live);
    liveLayout->addWidget(m_live);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(form);
    layout->addLayout(buttons);
    layout->addWidget(live);
    layout->addStretch(1);

    // A constant rate has no minimum and no period: updateButtons() greys them.
    connect(m_pattern, &QComboBox::currentIndexChanged, this, &SimulatorPanel::updateButtons);
    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, [this] {
        m_problem->showProblem({});
        updateButtons();
    });
    connect(m_start, &QPushButton::clicked, this, &SimulatorPanel::start);
    connect(m_stop, &QPushButton::clicked, this, &SimulatorPanel::stop);
    // Emitted on the traffic thread: queued here.
    connect(m_runner, &TrafficRunner::ticked, this, &SimulatorPanel::showCounts, Qt::QueuedConnection);
    connect(m_runner, &TrafficRunner::stopped, this, [this] {
        m_stopping = false;
        showCounts();
        updateButtons();
        Q_EMIT stopped();
    }, Qt::QueuedConnection);
    m_renew->setInterval(kTokenRenewMs);
    connect(m_renew, &QTimer::timeout, this, [this] {
        const QString ref = m_runEndpoint.toString(QUuid::WithoutBraces);
        m_client.call(
            this,
            [ref](ModelServingService &service) {
                TokenRequest request;
                request.scope = QStringLiteral("inference");
                request.expirySeconds = kTokenExpirySeconds;
                return service.generateToken(ref, request);
            },
            [this](const Result<GeneratedToken> &token) {
                if (!running())
                    return;
                if (!token) {
                    m_problem->showProblem(tr("Could not renew the token (the old one lasts until it expires): %1")
                                               .arg(typed(token.error())));
                    return;
                }
                revokeToken();
                m_tokenId = token->grant.id;
                m_runner->setHeaders({{QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + token->token}});
            });
    });
    updateButtons();
}

SimulatorPanel::~SimulatorPanel()
{
    stop();
}

bool SimulatorPanel::running() const
{
    return m_runner->isRunning();
}

void SimulatorPanel::setEndpoint(const QUuid &id)
{
    m_endpoint->setCurrentEndpoint(id);
    updateButtons();
}

Result<TrafficPattern> SimulatorPanel::patternFromForm() const
{
    const std::optional<TrafficPattern::Kind> kind = TrafficPattern::kindFromName(m_pattern->currentData().toString());
    const bool constant = kind == TrafficPattern::Kind::Constant;
    const quint64 seed = QRandomGenerator::global()->bounded(quint64(1) << 31);
    return TrafficPattern::make(kind.value_or(TrafficPattern::Kind::Constant),
                                constant ? m_maxRate->value() : m_minRate->value(), m_maxRate->value(),
                                qint64(m_period->value()) * 1000, seed);
}

Result<SimulationSettings> SimulatorPanel::settingsFromForm(const EndpointInfo &info,
                                                            const TrafficPattern &pattern) const
{
    if (!info.request || info.request->path.isEmpty()) {
        return makeError(ErrorType::InvalidArgument,
                         tr("request: its model definition has no request block, so the simulator does not know "
                            "how to call it"),
                         {{QStringLiteral("field"), QStringLiteral("request")}});
    }
    SimulationSettings settings;
    settings.endpoint = info.endpoint.name;
    settings.endpointUrl = QUrl(info.endpoint.url);
    QUrl url = settings.endpointUrl;
    url.setPath(url.path() + info.request->path);
    settings.url = url;
    settings.pattern = pattern;
    settings.intervalMs = m_interval->value();
    settings.randomizeInterval = m_randomInterval->isChecked();
    settings.batchMin = m_batchMin->value();
    settings.batchMax = m_batchMax->value();
    settings.request = *info.request;
    settings.seed = pattern.seed;
    if (const Result<Done> valid = settings.validate(); !valid)
        return valid.error();
    return settings;
}

void SimulatorPanel::start()
{
    if (running() || m_preparing || m_stopping)
        return;
    const QUuid id = m_endpoint->currentEndpoint();
    if (!m_endpoints.find(id))
        return;
    // The pattern is checked here, at once; the rest once the endpoint is read.
    const Result<TrafficPattern> pattern = patternFromForm();
    if (!pattern) {
        m_problem->showProblem(typed(pattern.error()));
        return;
    }
    m_problem->showProblem({});
    m_preparing = true;
    m_runEndpoint = id;
    updateButtons();
    // The endpoint as the plane has it now, with its model's request block (a listing leaves
    // that out), read off this thread.
    m_client.call(
        this,
        [ref = id.toString(QUuid::WithoutBraces)](ModelServingService &service) { return service.endpointInfo(ref); },
        [this, pattern = *pattern](const Result<EndpointInfo> &info) { prepared(info, pattern); });
}

void SimulatorPanel::prepared(const Result<EndpointInfo> &info, const TrafficPattern &pattern)
{
    Result<SimulationSettings> settings = info ? settingsFromForm(*info, pattern) : Result<SimulationSettings>(info.error());
    if (!settings) {
        m_preparing = false;
        m_problem->showProblem(typed(settings.error()));
        updateButtons();
        return;
    }
    if (info->endpoint.isPublic) {
        m_preparing = false;
        launch(*settings);
        return;
    }
    // A private endpoint: a token for this run, minted off this thread.
    m_live->setText(tr("Minting a token…"));
    m_client.call(
        this,
        [ref = m_runEndpoint.toString(QUuid::WithoutBraces)](ModelServingService &service) {
            TokenRequest request;
            request.scope = QStringLiteral("inference");
            request.expirySeconds = kTokenExpirySeconds;
            return service.generateToken(ref, request);
        },
        [this, ready = *settings](const Result<GeneratedToken> &token) mutable {
            m_preparing = false;
            if (!token) {
                m_problem->showProblem(typed(token.error()));
                m_live->setText(tr("Not running"));
                updateButtons();
                return;
            }
            m_tokenId = token->grant.id;
            ready.headers = {{QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + token->token}};
            launch(ready);
        });
}

void SimulatorPanel::launch(SimulationSettings settings)
{
    if (const Result<Done> started = m_runner->start(settings); !started) {
        revokeToken();
        m_problem->showProblem(typed(started.error()));
        updateButtons();
        return;
    }
    if (!m_tokenId.isEmpty())
        m_renew->start();
    m_live->setText(tr("Starting…"));
    updateButtons();
    Q_EMIT started();
}

void SimulatorPanel::stop()
{
    if (!running())
        return;
    m_renew->stop();
    m_stopping = true;
    m_runner->stop();
    revokeToken();
    updateButtons();
}

void SimulatorPanel::revokeToken()
{
    if (m_tokenId.isEmpty())
        return;
    m_client.call(
        this,
        [ref = m_runEndpoint.toString(QUuid::WithoutBraces), id = m_tokenId](ModelServingService &service) {
            return service.revokeToken(ref, id);
        },
        [](const Result<TokenGrant> &) {
            // It expires soon anyway; nothing to tell the operator.
        });
    m_tokenId.clear();
}

void SimulatorPanel::showCounts()
{
    const TrafficRunner::Counts c = m_runner->counts();
    QStringList revisions;
    for (auto it = c.byRevision.cbegin(); it != c.byRevision.cend(); ++it)
        revisions << tr("%1: %2").arg(it.key().isEmpty() ? tr("–") : QString::fromUtf8(it.key())).arg(it.value());
    revisions.sort();
    QString text = tr("%1 requests/s now · sent %2 · ok %3 · failed %4")
                       .arg(running() ? c.rate : 0.0, 0, 'f', 1)
                       .arg(c.sent)
                       .arg(c.ok)
                       .arg(c.failed);
    if (c.skipped > 0)
        text += tr(" · skipped %1").arg(c.skipped);
    if (!revisions.isEmpty())
        text += tr(" · by revision: %1").arg(revisions.join(QStringLiteral(", ")));
    if (!running() && !m_stopping)
        text += tr(" · stopped");
    m_live->setText(text);
}

void SimulatorPanel::updateButtons()
{
    const bool busy = running() || m_preparing || m_stopping;
    m_start->setEnabled(!busy && m_endpoints.find(m_endpoint->currentEndpoint()));
    m_stop->setEnabled(running());
    for (QWidget *w : std::initializer_list<QWidget *>{m_endpoint, m_pattern, m_maxRate, m_interval, m_randomInterval,
                                                       m_batchMin, m_batchMax})
        w->setEnabled(!busy);
    const bool constant = m_pattern->currentData().toString() == TrafficPattern::kindName(TrafficPattern::Kind::Constant);
    m_minRate->setEnabled(!busy && !constant);
    m_period->setEnabled(!busy && !constant);
}

void SimulatorPanel::closeEvent(QCloseEvent *event)
{
    stop();
    QWidget::closeEvent(event);
}

} // namespace ServeDeck
