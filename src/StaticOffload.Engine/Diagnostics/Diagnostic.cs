namespace StaticOffload.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>A problem found by the engine, with enough context for MSBuild to point at the file or property.</summary>
/// <param name="File">The local file or project property the problem is about, when there is one.</param>
public sealed record Diagnostic(DiagnosticSeverity Severity, string Code, string Message, string? File = null)
{
    public static Diagnostic Error(string code, string message, string? file = null) =>
        new(DiagnosticSeverity.Error, code, message, file);

    public static Diagnostic Warning(string code, string message, string? file = null) =>
        new(DiagnosticSeverity.Warning, code, message, file);

    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
}

/// <summary>A code's one-line meaning, as README's error table shows it (Markdown).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class SummaryAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>Thrown where the engine must stop; carries the diagnostic the user sees.</summary>
public sealed class SyncFailedException(Diagnostic diagnostic, Exception? inner = null)
    : Exception(diagnostic.Message, inner)
{
    public Diagnostic Diagnostic { get; } = diagnostic;

    /// <summary>
    /// A failure that a retry cannot mend and every further request would meet too: no credentials, credentials
    /// refused, an endpoint that answers nothing, the wrong region, ACLs the bucket refuses. Nothing else is tried.
    /// </summary>
    public bool IsFinal => Diagnostic.Code is Messages.EndpointTimeoutCode or Messages.CredentialsMissingCode
        or Messages.CredentialsRejectedCode or Messages.WrongRegionCode or Messages.AclsDisabledCode or Messages.PublicAclBlockedCode;
}
