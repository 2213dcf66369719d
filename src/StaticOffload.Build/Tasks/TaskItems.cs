using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using StaticOffload.Diagnostics;
using StaticOffload.Rules;

namespace StaticOffload.Build.Tasks;

/// <summary>Reading MSBuild's stringly typed inputs; an empty metadata value means "not set".</summary>
internal static class TaskItems
{
    /// <summary>The metadata's value; null when not set (MSBuild reads an unset name as empty).</summary>
    public static string? Metadata(this ITaskItem item, string name) => Text.NullIfBlank(item.GetMetadata(name));

    /// <summary>%(CacheControl), %(ContentType), %(ContentEncoding), %(StorageClass) and %(Acl).</summary>
    public static HeaderMetadata Headers(this ITaskItem item) => HeaderMetadata.Read(item.Metadata);

    /// <summary>%(Filename)%(Extension): what an item is called when nothing says where it goes.</summary>
    public static string FileName(this ITaskItem item) => item.GetMetadata("Filename") + item.GetMetadata("Extension");
}

/// <summary>
/// MSBuild reads item specs and metadata values as escaped text, so a file named "a%20b.css" or "(1).png" must be
/// escaped on the way in or it comes back as a different path.
/// </summary>
internal static class MsBuildEscaping
{
    private const string Special = "%*?@$();'";

    public static string Escape(string value)
    {
        if (value.IndexOfAny(Special.ToCharArray()) < 0)
        {
            return value;
        }

        var sb = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (Special.Contains(c))
            {
                sb.Append('%').Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

/// <summary>
/// The one way a diagnostic reaches the user: to the build log as an error or warning with its code and file, or, when
/// MSBuild's loggers can no longer print (the process is exiting), as the same line on a console stream.
/// </summary>
internal static class DiagnosticLogging
{
    public static void LogDiagnostic(this TaskLoggingHelper log, Diagnostic d)
    {
        if (d.Severity == DiagnosticSeverity.Error)
        {
            log.LogError(null, d.Code, null, d.File, 0, 0, 0, 0, d.Message);
        }
        else
        {
            log.LogWarning(null, d.Code, null, d.File, 0, 0, 0, 0, d.Message);
        }
    }

    public static void LogDiagnostic(this TextWriter console, Diagnostic d)
    {
        console.WriteLine(d.ToString());
        console.Flush();
    }
}
