#include "channeldialog.h"

#include <algorithm>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "notify/notifier.h"
#include "plane/controlclient.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/common/theme.h"
#include "ui/notify/channellistmodel.h"

namespace ServeDeck {

namespace {

// A day: longer than that, an operator would rather switch the channel off.
constexpr int kMaxQuietPeriodSeconds = 24 * 3600;

} // namespace

ChannelDialog::ChannelDialog(ControlClient &client, QAbstractItemModel &endpoints, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_name(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_target(new QStackedWidget(this))
    , m_url(new QLineEdit(this))
    , m_secret(new QLineEdit(this))
    , m_program(new QLineEdit(this))
    , m_arguments(new QPlainTextEdit(this))
    , m_events(new QListWidget(this))
    , m_severity(new QComboBox(this))
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::AllOrOne, this))
    , m_quiet(new QSpinBox(this))
    , m_error(new ErrorLabel(QStringLiteral("channelError"), this))
    , m_busy(new QLabel(tr("Saving…"), this))
    , m_add(new QPushButton(tr("Add"), this))
{
    setWindowTitle(tr("Add notification channel"));
    m_name->setObjectName(QStringLiteral("channelName"));
    m_name->setPlaceholderText(tr("e.g. on-call"));
    m_kind->setObjectName(QStringLiteral("channelKind"));
    for (const ChannelKind kind : {ChannelKind::Desktop, ChannelKind::Webhook, ChannelKind::Command})
        m_kind->addItem(ChannelListModel::kindText(kind), int(kind));
    m_kind->setCurrentIndex(int(ChannelKind::Webhook));

    // One page of target fields per kind, in the kind box's order.
    auto *desktop = new QLabel(tr("Shown by this console's desktop, with a click that opens the event."), m_target);
    desktop->setWordWrap(true);
    m_target->addWidget(desktop);
    auto *webhook = new QWidget(m_target);
    auto *webhookForm = new QFormLayout(webhook);
    webhookForm->setContentsMargins(0, 0, 0, 0);
    m_url->setObjectName(QStringLiteral("webhookUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://hooks.example.com/…"));
    m_secret->setObjectName(QStringLiteral("webhookSecret"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("optional; signs each payload (HMAC-SHA256)"));
    webhookForm->addRow(tr("&URL"), m_url);
    webhookForm->addRow(tr("&Secret"), m_secret);
    m_target->addWidget(webhook);
    auto *command = new QWidget(m_target);
    auto *commandForm = new QFormLayout(command);
    commandForm->setContentsMargins(0, 0, 0, 0);
    m_program->setObjectName(QStringLiteral("commandProgram"));
    m_program->setPlaceholderText(QStringLiteral("/usr/local/bin/page-oncall"));
    m_arguments->setObjectName(QStringLiteral("commandArguments"));
    m_arguments->setPlaceholderText(tr("one argument a line; run without a shell"));
    m_arguments->setTabChangesFocus(true);
    m_arguments->setMaximumHeight(m_arguments->fontMetrics().lineSpacing() * 5);
    commandForm->addRow(tr("&Program"), m_program);
    commandForm->addRow(tr("&Arguments"), m_arguments);
    m_target->addWidget(command);
    // Each page as tall as its own fields: the hidden ones must not reserve room.
    const auto showTarget = [this](int index) {
        for (int i = 0; i < m_target->count(); ++i)
            m_target->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == index ? QSizePolicy::Preferred : QSizePolicy::Ignored);
        m_target->setCurrentIndex(index);
        m_target->adjustSize();
    };
    showTarget(m_kind->currentIndex());
    connect(m_kind, &QComboBox::currentIndexChanged, this, showTarget);

    m_events->setObjectName(QStringLiteral("channelEvents"));
    // Test is the Test button's sample: every channel takes it, so it is not a choice here.
    QStringList kinds = notificationEventKinds();
    kinds.removeAll(QStringLiteral("Test"));
    for (const QString &kind : std::as_const(kinds)) {
        auto *item = new QListWidgetItem(kind, m_events);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    // In columns, so every kind shows without scrolling.
    m_events->setFlow(QListView::TopToBottom);
    m_events->setWrapping(true);
    m_events->setResizeMode(QListView::Adjust);
    int widest = 0;
    for (const QString &kind : std::as_const(kinds))
        widest = std::max(widest, m_events->fontMetrics().horizontalAdvance(kind));
    // The check box's indicator and spacing beside the text.
    const QSize cell(widest + 36, m_events->fontMetrics().height() + 6);
    m_events->setGridSize(cell);
    m_events->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_events->setFixedHeight(cell.height() * int((kinds.size() + 2) / 3) + 2 * m_events->frameWidth() + 4);
    m_severity->setObjectName(QStringLiteral("channelSeverity"));
    for (const auto severity : {NotificationSeverity::Info, NotificationSeverity::Warning, NotificationSeverity::Critical})
        m_severity->addItem(ChannelListModel::severityText(severity), int(severity));
    m_quiet->setObjectName(QStringLiteral("quietPeriod"));
    m_quiet->setRange(0, kMaxQuietPeriodSeconds);
    m_quiet->setValue(NotificationChannel().quietPeriodSeconds);
    m_quiet->setSuffix(tr(" s"));
    m_quiet->setToolTip(tr("After a notification, the same event is only counted for this long, then sent once with its count"));
    m_busy->setObjectName(QStringLiteral("busy"));
    m_busy->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Kind"), m_kind);
    form->addRow(m_target);
    form->addRow(tr("&Events"), m_events);
    auto *allEvents = new QLabel(tr("None checked: every event."), this);
    allEvents->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    form->addRow(QString(), allEvents);
    form->addRow(tr("Least &severity"), m_severity);
    form->addRow(tr("E&ndpoint"), m_endpoint);
    form->addRow(tr("&Quiet period"), m_quiet);

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_add, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    m_add->setDefault(true);
    connect(m_add, &QPushButton::clicked, this, &ChannelDialog::add);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    setMinimumWidth(560);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_busy);
    layout->addWidget(buttons);
}

ChannelDialog::~ChannelDialog() = default;

bool ChannelDialog::isBusy() const
{
    return !m_busy->isHidden();
}

void ChannelDialog::setBusy(bool busy)
{
    m_add->setEnabled(!busy);
    m_busy->setVisible(busy);
}

NotificationChannel ChannelDialog::channel() const
{
    NotificationChannel c;
    c.name = m_name->text().trimmed();
    c.kind = ChannelKind(m_kind->currentData().toInt());
    if (c.kind == ChannelKind::Webhook)
        c.url = QUrl(m_url->text().trimmed(), QUrl::StrictMode);
    if (c.kind == ChannelKind::Command) {
        c.argv << m_program->text().trimmed();
        const QStringList lines = m_arguments->toPlainText().split(u'\n');
        for (const QString &line : lines) {
            if (!line.isEmpty())
                c.argv << line;
        }
    }
    for (int i = 0; i < m_events->count(); ++i) {
        if (m_events->item(i)->checkState() == Qt::Checked)
            c.eventKinds << m_events->item(i)->text();
    }
    c.minSeverity = NotificationSeverity(m_severity->currentData().toInt());
    c.endpointId = m_endpoint->currentEndpoint();
    c.quietPeriodSeconds = m_quiet->value();
    return c;
}

void ChannelDialog::add()
{
    const NotificationChannel wanted = channel();
    const QByteArray secret = wanted.kind == ChannelKind::Webhook ? m_secret->text().toUtf8() : QByteArray();
    m_error->showProblem({});
    setBusy(true);
    m_client.call(
        this, [wanted, secret](ControlPlane &plane) { return plane.notifier()->addChannel(wanted, secret); },
        [this](const Result<NotificationChannel> &added) {
            setBusy(false);
            if (!added) {
                // The plane's typed error, as the API and ctl show it.
                m_error->showProblem(added.error().typeName() + QStringLiteral(": ") + added.error().message);
                Q_EMIT answered(false);
                return;
            }
            m_created = *added;
            m_secret->clear();
            Q_EMIT answered(true);
            accept();
        });
}

} // namespace ServeDeck
