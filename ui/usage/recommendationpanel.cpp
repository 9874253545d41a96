#include "recommendationpanel.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "plane/controlclient.h"
#include "service/modelservingservice.h"
#include "ui/common/errorlabel.h"

namespace ServeDeck {

namespace {

QString evidenceText(const QJsonObject &evidence)
{
    QStringList facts;
    for (auto it = evidence.begin(); it != evidence.end(); ++it) {
        const QJsonValue v = it.value();
        const QString value = v.isDouble()
            ? (v.toDouble() == double(qint64(v.toDouble())) ? QString::number(qint64(v.toDouble()))
                                                            : QString::number(v.toDouble(), 'f', 2))
            : v.toString();
        facts << it.key() + u'=' + value;
    }
    return facts.join(QStringLiteral(", "));
}

} // namespace

RecommendationPanel::RecommendationPanel(ControlClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_status(new QLabel(tr("Pick an endpoint to see its recommendations."), this))
    , m_error(new ErrorLabel(QStringLiteral("recommendationError"), this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_list(new QWidget(this))
    , m_listLayout(new QVBoxLayout(m_list))
    , m_notes(new QLabel(this))
{
    m_status->setObjectName(QStringLiteral("recommendationStatus"));
    m_status->setWordWrap(true);
    m_refresh->setObjectName(QStringLiteral("refreshRecommendations"));
    m_refresh->setEnabled(false);
    connect(m_refresh, &QPushButton::clicked, this, &RecommendationPanel::reload);
    m_notes->setObjectName(QStringLiteral("recommendationNotes"));
    m_notes->setWordWrap(true);
    m_notes->hide();
    m_listLayout->setContentsMargins(0, 0, 0, 0);
    m_listLayout->addStretch();

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_list);

    auto *top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_refresh);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_error);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_notes);
    m_error->hide();
}

RecommendationPanel::~RecommendationPanel() = default;

void RecommendationPanel::setEndpoint(const QUuid &endpointId)
{
    m_endpointId = endpointId;
    reload();
}

QPushButton *RecommendationPanel::applyButton(int number) const
{
    return number >= 1 && number <= m_applyButtons.size() ? m_applyButtons[number - 1] : nullptr;
}

void RecommendationPanel::setBusy(bool busy)
{
    m_busy = busy;
    m_refresh->setEnabled(!busy && !m_endpointId.isNull());
    for (qsizetype i = 0; i < m_applyButtons.size(); ++i)
        m_applyButtons[i]->setEnabled(!busy && !m_recommendations[i].isWarning());
}

void RecommendationPanel::reload()
{
    if (m_endpointId.isNull() || !m_client)
        return;
    setBusy(true);
    m_status->setText(tr("Reading the recorded usage…"));
    // The advisor replays rules over days of samples: on the control thread, never here.
    m_client->call(
        this, [id = m_endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) { return s.recommendationReport(id); },
        [this](Result<ScalingAdvisor::Report> report) {
            setBusy(false);
            if (!report) {
                showRecommendations({}, {});
                m_status->setText(tr("No recommendations."));
                m_error->showProblem(report.error().typeName() + QStringLiteral(": ") + report.error().message);
            } else {
                m_error->hide();
                showRecommendations(report->recommendations, report->notes);
            }
            Q_EMIT loaded();
        });
}

void RecommendationPanel::showRecommendations(const QList<Recommendation> &recommendations, const QStringList &notes)
{
    m_recommendations = recommendations;
    // Later: an Apply button's own click may be what reloads the list.
    for (QFrame *card : m_list->findChildren<QFrame *>(QString(), Qt::FindDirectChildrenOnly)) {
        card->hide();
        card->deleteLater();
    }
    m_applyButtons.clear();
    for (const Recommendation &r : recommendations) {
        auto *card = new QFrame(m_list);
        card->setObjectName(QStringLiteral("recommendation_%1").arg(r.number));
        card->setFrameShape(QFrame::StyledPanel);
        auto *title = new QLabel(QStringLiteral("%1. %2").arg(r.number).arg(r.title), card);
        QFont bold = title->font();
        bold.setBold(true);
        title->setFont(bold);
        title->setWordWrap(true);
        auto *explanation = new QLabel(r.explanation, card);
        explanation->setWordWrap(true);
        explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *evidence = new QLabel(tr("Evidence: %1").arg(evidenceText(r.evidence)), card);
        evidence->setWordWrap(true);
        evidence->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *button = new QPushButton(r.isWarning() ? tr("Nothing to apply") : tr("Apply"), card);
        button->setObjectName(QStringLiteral("apply_%1").arg(r.number));
        button->setEnabled(!r.isWarning());
        if (r.isWarning())
            button->setToolTip(tr("A warning: change the rule yourself"));
        connect(button, &QPushButton::clicked, this, [this, number = r.number] { apply(number); });
        m_applyButtons << button;
        auto *row = new QHBoxLayout;
        row->addWidget(title, 1);
        row->addWidget(button);
        auto *layout = new QVBoxLayout(card);
        layout->addLayout(row);
        layout->addWidget(explanation);
        layout->addWidget(evidence);
        m_listLayout->insertWidget(m_listLayout->count() - 1, card);
    }
    m_status->setText(recommendations.isEmpty() ? tr("No recommendations: the recorded usage suggests no change.")
                                                : tr("Recommendations from the recorded usage: %1").arg(recommendations.size()));
    m_notes->setText(notes.join(u'\n'));
    m_notes->setVisible(!notes.isEmpty());
}

void RecommendationPanel::apply(int number)
{
    if (m_busy || m_endpointId.isNull() || !m_client)
        return;
    setBusy(true);
    m_status->setText(tr("Applying recommendation %1…").arg(number));
    m_client->call(
        this,
        [id = m_endpointId.toString(QUuid::WithoutBraces), number](ModelServingService &s) {
            return s.applyRecommendation(id, number);
        },
        [this](Result<Recommendation> outcome) {
            setBusy(false);
            if (!outcome) {
                m_error->showProblem(outcome.error().typeName() + QStringLiteral(": ") + outcome.error().message);
                m_status->setText(tr("Not applied."));
                Q_EMIT applied(false);
                return;
            }
            m_error->hide();
            Q_EMIT applied(true);
            reload();
        });
}

} // namespace ServeDeck
