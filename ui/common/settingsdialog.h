#pragma once

#include <QDialog>

class QAbstractItemModel;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QFormLayout;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace ServeDeck {

class ControlClient;
class NotificationSettingsPage;

// General: language and theme; each choice applies at once to every window and is remembered.
// With a control plane: how long its errors and scale events are kept, applied by a button, and
// (given the endpoint list too) a Notifications page: channels, deliveries and alert rules.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    enum class Page { General, Notifications };

    // endpoints: an EndpointListModel, for the Notifications page.
    explicit SettingsDialog(QWidget *parent = nullptr, ControlClient *client = nullptr,
                            QAbstractItemModel *endpoints = nullptr);

    QTabWidget *pages() const { return m_pages; }
    // Null without a plane and its endpoint list.
    NotificationSettingsPage *notificationsPage() const { return m_notifications; }
    void showPage(Page page);

    QComboBox *languageBox() const { return m_language; }
    QSpinBox *retentionDaysBox() const { return m_retentionDays; }
    QSpinBox *retentionRowsBox() const { return m_retentionRows; }
    QPushButton *retentionApplyButton() const { return m_retentionApply; }
    QLabel *retentionErrorLabel() const { return m_retentionError; }
    QComboBox *themeBox() const { return m_theme; }
    QLabel *errorLabel() const { return m_error; }

    // The store the console's plane opens at its next start: empty, SQLite in the data dir; else a
    // StoreLocation's text (postgresql://...). Kept in QSettings; SERVEDECK_DATABASE wins over it.
    static QString storedDatabase();
    QLineEdit *databaseEdit() const { return m_database; }
    QLabel *databaseErrorLabel() const { return m_databaseError; }
    // The plane key file a shared plane's secrets are sealed under (serve --plane-key-file):
    // remembered for the console's next start, which reads it with planeKeyFileSetting().
    QLineEdit *planeKeyFileEdit() const { return m_planeKeyFile; }
    static QString planeKeyFileSetting();
    static void setPlaneKeyFileSetting(const QString &path);
    // Jobs an endpoint runs at once per HEALTHY replica, unless it sets its own (serve
    // --job-concurrency-per-replica): remembered for the console's next start, which reads it
    // with jobConcurrencySetting(); 4 where none is kept.
    QSpinBox *jobConcurrencyBox() const { return m_jobConcurrency; }
    static int jobConcurrencySetting();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void languageChosen(int index);
    void themeChosen(int index);
    void applyRetention();
    void addPlaneKeyFileField(QFormLayout *form);
    void retranslatePlaneKeyFile();
    void addJobConcurrencyField(QFormLayout *form);
    void retranslateJobConcurrency();

    QLabel *m_languageLabel;
    QComboBox *m_language;
    QLabel *m_themeLabel;
    QComboBox *m_theme;
    QLabel *m_error;
    ControlClient *m_client;
    QGroupBox *m_retention;
    QLabel *m_retentionDaysLabel;
    QSpinBox *m_retentionDays;
    QLabel *m_retentionRowsLabel;
    QSpinBox *m_retentionRows;
    QPushButton *m_retentionApply;
    QLabel *m_retentionError;
    QDialogButtonBox *m_buttons;
    QTabWidget *m_pages;
    QWidget *m_general;
    NotificationSettingsPage *m_notifications = nullptr;
    void databaseEdited();
    QLabel *m_databaseLabel = nullptr;
    QLineEdit *m_database = nullptr;
    QLabel *m_databaseHint = nullptr;
    QLabel *m_databaseError = nullptr;
    QLabel *m_planeKeyFileLabel = nullptr;
    QLineEdit *m_planeKeyFile = nullptr;
    QLabel *m_planeKeyFileNote = nullptr;
    QLabel *m_jobConcurrencyLabel = nullptr;
    QSpinBox *m_jobConcurrency = nullptr;
    QLabel *m_jobConcurrencyNote = nullptr;
};

} // namespace ServeDeck
