#include "settingsdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/common/appearance.h"
#include "ui/common/theme.h"

namespace ServeDeck {

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_languageLabel(new QLabel(this))
    , m_language(new QComboBox(this))
    , m_themeLabel(new QLabel(this))
    , m_theme(new QComboBox(this))
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Close, this))
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
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(m_buttons);
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

} // namespace ServeDeck
