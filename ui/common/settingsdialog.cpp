#include "settingsdialog.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include "plane/controlclient.h"
#include "plane/controlplane.h"
#include "store/historyretention.h"
#include "store/storelocation.h"

#include "ui/common/appearance.h"
#include "ui/common/theme.h"
#include "ui/notify/notificationsettingspage.h"

namespace ServeDeck {

SettingsDialog::SettingsDialog(QWidget *parent, ControlClient *client, QAbstractItemModel *endpoints)
    : QDialog(parent)
    , m_languageLabel(new QLabel(this))
    , m_language(new QComboBox(this))
    , m_themeLabel(new QLabel(this))
    , m_theme(new QComboBox(this))
    , m_error(new QLabel(this))
    , m_client(client)
    , m_retention(new QGroupBox(this))
    , m_retentionDaysLabel(new QLabel(m_retention))
    , m_retentionDays(new QSpinBox(m_retention))
    , m_retentionRowsLabel(new QLabel(m_retention))
    , m_retentionRows(new QSpinBox(m_retention))
    , m_retentionApply(new QPushButton(m_retention))
    , m_retentionError(new QLabel(m_retention))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Close, this))
    , m_pages(new QTabWidget(this))
    , m_general(new QWidget(m_pages))
{
    m_language->setObjectName(QStringLiteral("language"));
    m_theme->setObjectName(QStringLiteral("theme"));
    m_languageLabel->setBuddy(m_language);
    m_themeLabel->setBuddy(m_theme);
    // Three entries each, in the enums' order; texts come from retranslate().
    for (int i = 0; i < 3; ++i) {
        m_language->addItem(QString(), i);
        m_theme->addItem(QString(), i);
    }
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    m_error->setWordWrap(true);
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(m_languageLabel, m_language);
    form->addRow(m_themeLabel, m_theme);
    auto *layout = new QVBoxLayout(m_general);
    layout->addLayout(form);
    layout->addWidget(m_error);

    // The errors and scale-events retention: loaded from the plane, applied with the button.
    m_retentionDays->setObjectName(QStringLiteral("retentionDays"));
    m_retentionDays->setRange(HistoryRetention::kMinAgeDays, HistoryRetention::kMaxAgeDays);
    m_retentionRows->setObjectName(QStringLiteral("retentionRows"));
    m_retentionRows->setRange(HistoryRetention::kMinRows, HistoryRetention::kMaxRows);
    m_retentionRows->setSingleStep(1000);
    m_retentionDaysLabel->setBuddy(m_retentionDays);
    m_retentionRowsLabel->setBuddy(m_retentionRows);
    m_retentionError->setObjectName(QStringLiteral("retentionError"));
    m_retentionError->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    m_retentionError->setWordWrap(true);
    m_retentionError->hide();
    auto *retentionForm = new QFormLayout(m_retention);
    retentionForm->addRow(m_retentionDaysLabel, m_retentionDays);
    retentionForm->addRow(m_retentionRowsLabel, m_retentionRows);
    retentionForm->addRow(m_retentionApply);
    retentionForm->addRow(m_retentionError);
    layout->addWidget(m_retention);
    m_retention->setVisible(m_client != nullptr);
    m_retention->setEnabled(false);  // until the plane's values are in
    connect(m_retentionApply, &QPushButton::clicked, this, &SettingsDialog::applyRetention);
    if (m_client) {
        m_client->call(
            this, [](ModelServingService &service) { return service.historyRetention(); },
            [this](const HistoryRetention &retention) {
                m_retentionDays->setValue(retention.maxAgeDays);
                m_retentionRows->setValue(retention.maxRowsPerEndpoint);
                m_retention->setEnabled(true);
            });
    }
    // The store: checked as typed, kept for the next start (a running plane keeps its store).
    m_databaseLabel = new QLabel(m_general);
    m_database = new QLineEdit(m_general);
    m_database->setObjectName(QStringLiteral("database"));
    m_database->setMaxLength(4096);
    m_database->setText(storedDatabase());
    m_databaseLabel->setBuddy(m_database);
    m_databaseHint = new QLabel(m_general);
    m_databaseHint->setWordWrap(true);
    m_databaseHint->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    m_databaseError = new QLabel(m_general);
    m_databaseError->setObjectName(QStringLiteral("databaseError"));
    m_databaseError->setStyleSheet(Theme::textStyle(Theme::Role::Error));
    m_databaseError->setWordWrap(true);
    m_databaseError->hide();
    form->addRow(m_databaseLabel, m_database);
    form->addRow(m_databaseHint);
    form->addRow(m_databaseError);
    connect(m_database, &QLineEdit::editingFinished, this, &SettingsDialog::databaseEdited);
    addPlaneKeyFileField(form);
    addJobConcurrencyField(form);

    layout->addStretch(1);
    m_pages->addTab(m_general, QString());
    if (m_client && endpoints) {
        m_notifications = new NotificationSettingsPage(*m_client, *endpoints, m_pages);
        m_pages->addTab(m_notifications, QString());
    }
    auto *dialogLayout = new QVBoxLayout(this);
    dialogLayout->addWidget(m_pages, 1);
    dialogLayout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_language->setCurrentIndex(int(Appearance::language()));
    m_theme->setCurrentIndex(int(Appearance::theme()));
    connect(m_language, &QComboBox::currentIndexChanged, this, &SettingsDialog::languageChosen);
    connect(m_theme, &QComboBox::currentIndexChanged, this, &SettingsDialog::themeChosen);
    retranslate();
}

void SettingsDialog::retranslate()
{
    setWindowTitle(tr("Settings"));
    m_languageLabel->setText(tr("&Language"));
    m_themeLabel->setText(tr("&Theme"));
    m_language->setItemText(int(Appearance::Language::System), tr("System default"));
    // Each language by its own name, so it can be found whatever the console shows now.
    m_language->setItemText(int(Appearance::Language::English), QStringLiteral("English"));
    m_language->setItemText(int(Appearance::Language::Korean), QStringLiteral("한국어 (Korean)"));
    m_theme->setItemText(int(Appearance::Theme::System), tr("System default"));
    m_theme->setItemText(int(Appearance::Theme::Light), tr("Light"));
    m_theme->setItemText(int(Appearance::Theme::Dark), tr("Dark"));
    if (QPushButton *close = m_buttons->button(QDialogButtonBox::Close))
        close->setText(tr("Close"));
    m_retention->setTitle(tr("History kept"));
    m_retentionDaysLabel->setText(tr("Errors and scale events, &days"));
    m_retentionRowsLabel->setText(tr("At most, &rows per endpoint"));
    m_retentionApply->setText(tr("Apply"));
    m_pages->setTabText(int(Page::General), tr("General"));
    if (m_notifications)
        m_pages->setTabText(int(Page::Notifications), tr("Notifications"));
    m_databaseLabel->setText(tr("&Database"));
    m_database->setPlaceholderText(tr("SQLite in the data folder"));
    m_databaseHint->setText(tr("Empty: this console's own SQLite file. postgresql://user@host:port/database: a "
                               "store several consoles share (a password goes in ~/.pgpass). Takes effect at the "
                               "next start."));
    retranslatePlaneKeyFile();
    retranslateJobConcurrency();
}

void SettingsDialog::showPage(Page page)
{
    if (page == Page::Notifications && !m_notifications)
        return;
    m_pages->setCurrentIndex(int(page));
}

void SettingsDialog::applyRetention()
{
    if (!m_client)
        return;
    HistoryRetention wanted;
    wanted.maxAgeDays = m_retentionDays->value();
    wanted.maxRowsPerEndpoint = m_retentionRows->value();
    m_retention->setEnabled(false);
    m_client->call(
        this, [wanted](ModelServingService &service) { return service.setHistoryRetention(wanted); },
        [this](const Result<HistoryRetention> &saved) {
            m_retention->setEnabled(true);
            // The service's typed error, as the API shows it.
            m_retentionError->setText(saved ? QString()
                                            : saved.error().typeName() + QStringLiteral(": ") + saved.error().message);
            m_retentionError->setVisible(!saved);
        });
}

namespace {

const QString kDatabaseKey = QStringLiteral("store/database");

QSettings storeSettings()
{
    return QSettings(QStringLiteral("ServeDeck"), QCoreApplication::applicationName());
}

} // namespace

QString SettingsDialog::storedDatabase()
{
    return storeSettings().value(kDatabaseKey).toString();
}

void SettingsDialog::databaseEdited()
{
    const QString text = m_database->text().trimmed();
    // Only a location StoreLocation takes is kept: the next start would refuse anything else.
    const auto location = text.isEmpty() ? Result<StoreLocation>(StoreLocation{}) : StoreLocation::parse(text);
    // The settings file is plain text: a password stays in ~/.pgpass (or PGPASSWORD).
    const bool withPassword = location && !location->password.isEmpty();
    m_databaseError->setText(!location   ? location.error().message
                             : withPassword ? tr("Keep the password out of the location: put it in ~/.pgpass.")
                                            : QString());
    m_databaseError->setVisible(!location || withPassword);
    if (!location || withPassword)
        return;
    QSettings settings = storeSettings();
    if (text.isEmpty())
        settings.remove(kDatabaseKey);
    else
        settings.setValue(kDatabaseKey, text);
}

void SettingsDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

void SettingsDialog::languageChosen(int index)
{
    const auto language = Appearance::Language(m_language->itemData(index).toInt());
    const bool applied = Appearance::setLanguage(language);
    m_error->setText(applied ? QString() : tr("This build has no translation for that language."));
    m_error->setVisible(!applied);
}

void SettingsDialog::themeChosen(int index)
{
    Appearance::setTheme(Appearance::Theme(m_theme->itemData(index).toInt()));
}

// The plane key file: a path only, kept in the console's settings; the key itself is read by the
// control plane at start, never by this dialog (no file I/O on the GUI thread).
namespace {
const QString kPlaneKeyFileKey = QStringLiteral("store/planeKeyFile");
} // namespace

QString SettingsDialog::planeKeyFileSetting()
{
    return storeSettings().value(kPlaneKeyFileKey).toString();
}

void SettingsDialog::setPlaneKeyFileSetting(const QString &path)
{
    QSettings settings = storeSettings();
    if (path.isEmpty())
        settings.remove(kPlaneKeyFileKey);
    else
        settings.setValue(kPlaneKeyFileKey, path);
}

void SettingsDialog::addPlaneKeyFileField(QFormLayout *form)
{
    m_planeKeyFileLabel = new QLabel(this);
    m_planeKeyFile = new QLineEdit(this);
    m_planeKeyFile->setObjectName(QStringLiteral("planeKeyFile"));
    m_planeKeyFile->setClearButtonEnabled(true);
    m_planeKeyFile->setText(planeKeyFileSetting());
    m_planeKeyFileLabel->setBuddy(m_planeKeyFile);
    m_planeKeyFileNote = new QLabel(this);
    m_planeKeyFileNote->setObjectName(QStringLiteral("planeKeyFileNote"));
    m_planeKeyFileNote->setWordWrap(true);
    m_planeKeyFileNote->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    form->addRow(m_planeKeyFileLabel, m_planeKeyFile);
    form->addRow(QString(), m_planeKeyFileNote);
    connect(m_planeKeyFile, &QLineEdit::editingFinished, this,
            [this] { setPlaneKeyFileSetting(m_planeKeyFile->text().trimmed()); });
}

void SettingsDialog::retranslatePlaneKeyFile()
{
    m_planeKeyFileLabel->setText(tr("Plane &key file"));
    m_planeKeyFile->setPlaceholderText(tr("Only for a shared plane on PostgreSQL"));
    m_planeKeyFileNote->setText(tr("The same file on every console of the plane (make one with "
                                   "servedeck plane-key new FILE). Takes effect at the next start."));
}

// The plane-wide job concurrency per replica: a start option as the store is (a running plane
// keeps the limit it started with), kept in the console's settings.
namespace {
const QString kJobConcurrencyKey = QStringLiteral("jobs/concurrencyPerReplica");
} // namespace

int SettingsDialog::jobConcurrencySetting()
{
    bool ok = false;
    const int stored = storeSettings().value(kJobConcurrencyKey).toInt(&ok);
    // Hand-edited out of range: the default, as serve refuses such a value.
    if (!ok || stored < 1 || stored > ControlPlaneOptions::kMaxJobConcurrencyPerReplica)
        return ControlPlaneOptions{}.jobConcurrencyPerReplica;
    return stored;
}

void SettingsDialog::addJobConcurrencyField(QFormLayout *form)
{
    m_jobConcurrencyLabel = new QLabel(this);
    m_jobConcurrency = new QSpinBox(this);
    m_jobConcurrency->setObjectName(QStringLiteral("jobConcurrencyPerReplica"));
    m_jobConcurrency->setRange(1, ControlPlaneOptions::kMaxJobConcurrencyPerReplica);
    m_jobConcurrency->setValue(jobConcurrencySetting());
    m_jobConcurrencyLabel->setBuddy(m_jobConcurrency);
    m_jobConcurrencyNote = new QLabel(this);
    m_jobConcurrencyNote->setWordWrap(true);
    m_jobConcurrencyNote->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
    form->addRow(m_jobConcurrencyLabel, m_jobConcurrency);
    form->addRow(QString(), m_jobConcurrencyNote);
    connect(m_jobConcurrency, &QSpinBox::valueChanged, this, [](int jobs) {
        QSettings settings = storeSettings();
        settings.setValue(kJobConcurrencyKey, jobs);
    });
}

void SettingsDialog::retranslateJobConcurrency()
{
    m_jobConcurrencyLabel->setText(tr("&Jobs per replica"));
    m_jobConcurrencyNote->setText(tr("Asynchronous jobs an endpoint runs at once per healthy replica, unless its "
                                     "Modify dialog sets its own limit. Takes effect at the next start."));
}

} // namespace ServeDeck
