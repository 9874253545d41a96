#include "demodialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "ui/common/theme.h"
#include "demo/demotour.h"

namespace ServeDeck {

namespace {

QString stateText(DemoStep::State state)
{
    switch (state) {
    case DemoStep::State::Pending:
        return DemoDialog::tr("to do");
    case DemoStep::State::Running:
        return DemoDialog::tr("running…");
    case DemoStep::State::Ok:
        return DemoDialog::tr("ok");
    case DemoStep::State::Failed:
        return DemoDialog::tr("failed");
    case DemoStep::State::Skipped:
        return DemoDialog::tr("skipped");
    }
    return {};
}

QIcon stateIcon(const QStyle *style, DemoStep::State state)
{
    switch (state) {
    case DemoStep::State::Pending: {
        // Blank, so every row's text starts at the same place.
        QPixmap blank(16, 16);
        blank.fill(Qt::transparent);
        return QIcon(blank);
    }
    case DemoStep::State::Running:
        return style->standardIcon(QStyle::SP_MediaPlay);
    case DemoStep::State::Ok:
        return style->standardIcon(QStyle::SP_DialogApplyButton);
    case DemoStep::State::Failed:
        return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case DemoStep::State::Skipped:
        return style->standardIcon(QStyle::SP_MediaSkipForward);
    }
    return {};
}

Theme::Role stateRole(DemoStep::State state)
{
    switch (state) {
    case DemoStep::State::Ok:
        return Theme::Role::Success;
    case DemoStep::State::Failed:
        return Theme::Role::Error;
    case DemoStep::State::Running:
        return Theme::Role::StatusProvisioning;
    default:
        return Theme::Role::Muted;
    }
}

DemoTourOptions pausing()
{
    DemoTourOptions options;
    options.pauseBetweenSteps = true;
    return options;
}

} // namespace

DemoDialog::DemoDialog(ControlClient &client, QWidget *parent)
    : DemoDialog(client, pausing(), parent)
{
}

DemoDialog::DemoDialog(ControlClient &client, const DemoTourOptions &options, QWidget *parent)
    : QDialog(parent)
    , m_tour(new DemoTour(client, options, this))
    , m_steps(new QListWidget(this))
    , m_explanation(new QLabel(this))
    , m_result(new QLabel(this))
    , m_next(new QPushButton(tr("Start"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_close(new QPushButton(tr("Close"), this))
{
    setWindowTitle(tr("ServeDeck demo"));
    auto *intro = new QLabel(tr("A walk through ServeDeck on the bundled iris models, on this console's own control "
                                "plane: it creates the endpoint %1 and deletes it again at the end, on Cancel "
                                "or when this window closes.")
                                 .arg(options.endpointName),
                             this);
    intro->setWordWrap(true);
    for (int i = 0; i < m_tour->steps().size(); ++i)
        m_steps->addItem(QString());
    m_steps->setIconSize(QSize(16, 16));
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    m_steps->setFocusPolicy(Qt::NoFocus);
    m_explanation->setWordWrap(true);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_next, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);
    buttons->addButton(m_close, QDialogButtonBox::RejectRole);
    m_next->setDefault(true);
    m_cancel->setEnabled(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_steps, 1);
    layout->addWidget(m_explanation);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
    resize(560, 440);

    connect(m_next, &QPushButton::clicked, this, &DemoDialog::goOn);
    connect(m_cancel, &QPushButton::clicked, m_tour, &DemoTour::cancel);
    connect(m_close, &QPushButton::clicked, this, &DemoDialog::reject);
    connect(m_tour, &DemoTour::stepChanged, this, &DemoDialog::showStep);
    connect(m_tour, &DemoTour::waitingForNext, this, [this] {
        m_next->setEnabled(true);
        m_next->setFocus();
    });
    connect(m_tour, &DemoTour::finished, this, [this](bool ok) {
        m_next->setEnabled(false);
        m_cancel->setEnabled(false);
        m_close->setDefault(true);
        const QString failed = m_tour->failedStep();
        m_result->setText(ok                ? tr("Every step worked; the demo endpoint is deleted.")
                          : failed.isEmpty() ? tr("Cancelled; what the demo created is deleted.")
                                             : tr("Failed: %1. What the demo created is deleted.").arg(failed));
        m_result->setStyleSheet(Theme::textStyle(ok ? Theme::Role::Success : Theme::Role::Error));
    });
    for (int i = 0; i < m_tour->steps().size(); ++i)
        showStep(i);
    m_explanation->setText(m_tour->steps().constFirst().explanation);
}

DemoDialog::~DemoDialog() = default;  // the tour, a child, cleans up what is left as it goes

void DemoDialog::reject()
{
    m_tour->cancel();
    QDialog::reject();
}

void DemoDialog::goOn()
{
    m_next->setEnabled(false);
    m_next->setText(tr("Next"));
    m_cancel->setEnabled(true);
    if (m_tour->current() < 0)
        m_tour->start();
    else
        m_tour->next();
}

void DemoDialog::showStep(int index)
{
    const DemoStep &step = m_tour->steps().at(index);
    QListWidgetItem *item = m_steps->item(index);
    item->setText(tr("%1. %2 — %3").arg(index + 1).arg(step.title, stateText(step.state)));
    item->setIcon(stateIcon(style(), step.state));
    item->setForeground(Theme::color(stateRole(step.state)));
    item->setToolTip(step.detail);
    if (step.state == DemoStep::State::Pending)
        return;
    // The step in the bottom lines is the one that last changed: the tour's current step.
    m_explanation->setText(step.explanation);
    m_result->setText(step.detail.isEmpty() ? QString() : tr("%1: %2").arg(stateText(step.state), step.detail));
    m_result->setStyleSheet(Theme::textStyle(stateRole(step.state)));
    m_steps->scrollToItem(item);
}

} // namespace ServeDeck
