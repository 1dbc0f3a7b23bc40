; Inno Setup 6 script for Booth Console (per-user install: no administrator rights needed).
; Built by packaging\windows\build.ps1, which passes AppVersion and BundleDir:
;   ISCC.exe /DAppVersion=0.1.0 /DBundleDir=C:\src\booth-console\build\windows\dist\booth-console booth-console.iss
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #error Pass /DBundleDir=<the PyInstaller one-folder bundle>
#endif

[Setup]
AppId={{5C3B2A7E-6D0F-4E8B-9C1A-B00C0A5E0001}
AppName=Booth Console
AppVersion={#AppVersion}
AppPublisher=Booth Console
DefaultDirName={localappdata}\Programs\Booth Console
DefaultGroupName=Booth Console
PrivilegesRequired=lowest
OutputDir=..\..\build\windows
OutputBaseFilename=booth-console-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Booth Console"; Filename: "{app}\booth-console.exe"; Parameters: "run"
Name: "{group}\Booth Console setup"; Filename: "{app}\booth-console.exe"; Parameters: "setup"
Name: "{group}\Booth Console diagnostics"; Filename: "{app}\booth-console.exe"; Parameters: "diagnose --out ""{userdesktop}\booth-console-diagnose.zip"""

[Run]
; First run: the wizard writes %APPDATA%\BoothConsole\booth.toml (the AppSecret goes to the
; Windows Credential Manager) and starts the console; it can also turn on start at login.
Filename: "{app}\booth-console.exe"; Parameters: "setup"; Description: "Set up Booth Console now"; Flags: postinstall nowait skipifsilent

[UninstallRun]
Filename: "{app}\booth-console.exe"; Parameters: "autostart off"; Flags: runhidden; RunOnceId: "autostart-off"
