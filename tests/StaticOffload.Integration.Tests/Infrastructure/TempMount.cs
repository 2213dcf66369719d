using System.Diagnostics;

namespace StaticOffload.Tests.Infrastructure;

/// <summary>
/// A real mount under a temp folder: a read-only folder, or a tiny tmpfs a test fills up. Tests run as root in CI,
/// where permissions do not stop a write; only the file system itself does. Unmounted lazily on dispose.
/// </summary>
public sealed class TempMount : IDisposable
{
    private TempMount(string path) => Path = path;

    public string Path { get; }

    private string FillerPath => System.IO.Path.Combine(Path, "filler.bin");

    /// <summary>A tmpfs with the given mount options, e.g. "size=64k" or "ro".</summary>
    public static TempMount Tmpfs(string options)
    {
        var mount = new TempMount(NewFolder());
        Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mount.Path);
        return mount;
    }

    /// <summary>An existing folder, mounted read-only over itself: what was writable is no longer.</summary>
    public static TempMount ReadOnlyOver(string folder)
    {
        var mount = new TempMount(folder);
        Run("mount", "--bind", folder, folder);
        try
        {
            Run("mount", "-o", "remount,bind,ro", folder);
        }
        catch (InvalidOperationException)
        {
            mount.Dispose();
            throw;
        }

        return mount;
    }

    /// <summary>Writes a filler file until the file system has no byte left.</summary>
    public void Fill()
    {
        using var stream = new FileStream(FillerPath, FileMode.Append, FileAccess.Write, FileShare.None, 1);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    public void Free() => File.Delete(FillerPath);

    /// <summary>Whether this process may mount (root, and not in a container that forbids it): probed once.</summary>
    public static bool Permitted { get; } = Probe();

    public void Dispose()
    {
        Run("umount", "-l", Path);
        if (Path.Contains("staticoffload-mount-", StringComparison.Ordinal))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private static string NewFolder()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"staticoffload-mount-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            return false;
        }

        try
        {
            using var probe = Tmpfs("size=4k");
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }
    }
}

/// <summary>A test that needs <see cref="TempMount"/>: skipped, with the reason, where this process may not mount.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (!TempMount.Permitted)
        {
            Skip = "Needs root (and mount permission) to mount a read-only or full tmpfs; CI runs as root.";
        }
    }
}

/// <summary>The theory form of <see cref="MountFactAttribute"/>.</summary>
public sealed class MountTheoryAttribute : TheoryAttribute
{
    public MountTheoryAttribute()
    {
        if (!TempMount.Permitted)
        {
            Skip = "Needs root (and mount permission) to mount a read-only or full tmpfs; CI runs as root.";
        }
    }
}
