# Windows build of the one-folder app: dist\helpdesk-gui\ (helpdesk-gui.exe windowed + helpdesk.exe console)
# and dist\helpdesk-gui-<version>-windows.zip, which also holds 安装.bat: double-clicking it puts a
# "帮扶中心工作台" shortcut on the clerk's desktop.
#   powershell -ExecutionPolicy Bypass -File packaging\build.ps1
# (Saved as UTF-8 with BOM: Windows PowerShell 5.1 reads the Chinese text correctly only then.)
# Needs Python 3.11+ (python.org installer, "py" launcher) on the build PC only; the clerk needs nothing.
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

$py = ".venv\Scripts\python.exe"
if (-not (Test-Path $py)) {
    if (Get-Command py -ErrorAction SilentlyContinue) { py -3 -m venv .venv } else { python -m venv .venv }
    if ($LASTEXITCODE -ne 0) { throw "cannot create .venv (install Python 3.11+ from python.org)" }
}
& $py -m pip install --quiet -e ".[build]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

& $py -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller packaging\helpdesk.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$version = (Get-Content build\VERSION -Raw).Trim()
$bundle = "dist\helpdesk-gui"

# The shortcut maker: 安装.bat (ASCII only, so any code page reads it) runs install-shortcut.ps1,
# written as UTF-8 with BOM so Windows PowerShell 5.1 reads its Chinese text correctly.
$ps1 = @'
# Puts a "帮扶中心工作台" shortcut to helpdesk-gui.exe on the desktop of the current user.
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$target = Join-Path $here "helpdesk-gui.exe"
$desktop = [Environment]::GetFolderPath("Desktop")
$shell = New-Object -ComObject WScript.Shell
$link = $shell.CreateShortcut((Join-Path $desktop "帮扶中心工作台.lnk"))
$link.TargetPath = $target
$link.WorkingDirectory = $here
$link.IconLocation = "$target,0"
$link.Description = "帮扶中心工作台"
$link.Save()
Write-Host "已在桌面创建快捷方式：帮扶中心工作台"
'@
$utf8Bom = New-Object System.Text.UTF8Encoding $true
[System.IO.File]::WriteAllText((Join-Path (Resolve-Path $bundle) "install-shortcut.ps1"), $ps1, $utf8Bom)
$bat = "@echo off`r`npowershell -NoProfile -ExecutionPolicy Bypass -File `"%~dp0install-shortcut.ps1`"`r`npause`r`n"
[System.IO.File]::WriteAllText((Join-Path (Resolve-Path $bundle) "安装.bat"), $bat, (New-Object System.Text.ASCIIEncoding))

$zip = "dist\helpdesk-gui-$version-windows.zip"
if (Test-Path $zip) { Remove-Item $zip }
# .NET's ZipFile stores non-ASCII names as UTF-8 (Explorer and 7-Zip read them).
Add-Type -AssemblyName System.IO.Compression.FileSystem
[System.IO.Compression.ZipFile]::CreateFromDirectory((Resolve-Path $bundle), (Join-Path (Resolve-Path dist) "helpdesk-gui-$version-windows.zip"),
    [System.IO.Compression.CompressionLevel]::Optimal, $true)

$size = (Get-ChildItem $bundle -Recurse -File | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("bundle: {0:N0} MB  {1}" -f $size, $bundle)
Write-Host ("zip:    {0:N0} MB  {1}" -f ((Get-Item $zip).Length / 1MB), $zip)
