// Generated from openapi/openapi.json by openapi-typescript (npm run openapi). Do not edit.
export interface paths {
    "/v1/checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List checks, newest first */
        get: operations["ChecksController_list"];
        put?: never;
        /**
         * Submit a check
         * @description Validates, stores and queues the check. With ?wait=N (seconds, max 30) answers 200 with the finished check when it finishes in time.
         */
        post: operations["ChecksController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/checks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a check with its verdict, findings and evidence */
        get: operations["ChecksController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Submit up to 10000 checks at once
         * @description All or nothing: invalid items are rejected up front with their indexes (invalidIndexes).
         */
        post: operations["BatchesController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Progress of a batch */
        get: operations["BatchesController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}/checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Page through the checks of a batch */
        get: operations["BatchesController_checks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/findings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The catalog of finding codes
         * @description Stable codes clients can map to their own UI. Public: contains no tenant data.
         */
        get: operations["FindingsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a tenant (ADMIN_TOKEN) */
        post: operations["AdminController_createTenant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/tenants/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a tenant's keys (prefixes only) */
        get: operations["AdminController_listKeys"];
        put?: never;
        /** Create an API key; the key is in the answer once and stored only as a hash */
        post: operations["AdminController_createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/tenants/{id}/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key */
        delete: operations["AdminController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/explain": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Explain an SMTP reply
         * @description Category, meaning, likely causes, remediation and provider of a reply or NDR line. With ?diagnose=domain and a `domain` in the body, the suggested live checks are queued as one batch.
         */
        post: operations["ExplainController_explain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/bounces/analyze": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Analyse a bounce message
         * @description RFC 3464 DSNs, RFC 5965 ARF reports, RFC 3834 auto-replies and the non-standard bounces of common MTAs. Send the raw message as message/rfc822 or text/plain, or JSON { message }. Bounded by BOUNCE_MAX_BYTES.
         */
        post: operations["ExplainController_analyzeBounce"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/logs/analyze": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Analyse a Postfix, Exim or Sendmail log
         * @description Stream the log as text/plain (any size up to LOG_MAX_BYTES; processed as it arrives, in bounded memory), or send JSON { text } for small logs. Returns sent/deferred/bounced counts and the top error patterns with an explanation each.
         */
        post: operations["LogsController_analyze"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domain}/report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The latest health report of a domain
         * @description Written by the last completed `health` check of this tenant for the domain.
         */
        get: operations["HistoryController_report"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domain}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Score history of a domain
         * @description Health scores oldest first, with the finding codes that appeared or disappeared since the previous run.
         */
        get: operations["HistoryController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/checks/{id}/report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export a check as a report
         * @description json: the check object; md: Markdown; html: one self-contained page (inline CSS, no scripts or external resources) to save or send to a provider.
         */
        get: operations["ExportController_report"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the tenant's webhooks */
        get: operations["WebhooksController_list"];
        put?: never;
        /**
         * Register a webhook
         * @description Events: check.completed, batch.completed, health.changed, monitor.alert. Deliveries are POSTed as JSON and signed: `Smtp-Doctor-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. The URL obeys the probe's SSRF policy.
         */
        post: operations["WebhooksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook */
        get: operations["WebhooksController_get"];
        put?: never;
        post?: never;
        /** Delete a webhook and its delivery records */
        delete: operations["WebhooksController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Delivery records of a webhook, newest first */
        get: operations["WebhooksController_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Received reports, newest first */
        get: operations["ReportsController_list"];
        put?: never;
        /**
         * Upload a DMARC or TLS report
         * @description A DMARC aggregate report (XML, gzip or zip), a TLS-RPT report (JSON), or a whole message carrying either or a DMARC failure report (ARF). Queued as a job, parsed with bounded memory, stored once per tenant. With ?wait=N the answer waits up to N seconds for the outcome: 200 when stored, 422 problem+json when refused (code and reason).
         */
        post: operations["ReportsController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/address": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The intake address of your tenant
         * @description Put it in rua=/ruf= of your DMARC record and rua= of your TLS-RPT record (REPORTS_SMTP_DOMAIN).
         */
        get: operations["ReportsController_address"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/submissions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What became of an upload or a received message */
        get: operations["ReportsController_submission"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One received report, parsed */
        get: operations["ReportsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{domain}/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Sending sources of a domain, from its reports, joined to the checks
         * @description Per source IP: PTR, volume, SPF/DKIM alignment and DMARC pass rates, dispositions; DKIM selectors and TLS failures reported; findings (sources not in SPF, selectors the dns audit missed, TLS failures matched to the probe, the next DMARC policy step).
         */
        get: operations["ReportsController_sources"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/monitors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the tenant's monitors, newest first */
        get: operations["MonitorsController_list"];
        put?: never;
        /**
         * Create a monitor
         * @description Runs the given kinds against the target every `intervalSeconds` (at least MONITOR_MIN_INTERVAL_S, jittered), each run an ordinary stored check with `monitorId`, and alerts on change (after `confirmations` agreeing results) through its channels.
         */
        post: operations["MonitorsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/monitors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a monitor with its confirmed state per kind and its next run */
        get: operations["MonitorsController_get"];
        put?: never;
        post?: never;
        /** Delete a monitor, its schedule, state and alerts (its checks stay in history) */
        delete: operations["MonitorsController_remove"];
        options?: never;
        head?: never;
        /** Change a monitor (name, kinds, interval, confirmations, channels) */
        patch: operations["MonitorsController_update"];
        trace?: never;
    };
    "/v1/monitors/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a monitor (its scheduler is removed) */
        post: operations["MonitorsController_pause"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/monitors/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused monitor */
        post: operations["MonitorsController_resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/monitors/{id}/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a monitor now, outside its schedule; returns the checks it submitted
         * @description Its checks count toward the tenant's daily quota (QUOTA_DAILY_CHECKS), as scheduled runs do; over it, 429 QUOTA_EXCEEDED.
         */
        post: operations["MonitorsController_run"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/monitors/{id}/checks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The monitor's checks (its runs), newest first */
        get: operations["MonitorsController_checks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/monitors/{id}/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The monitor's alerts, newest first, each with its deliveries per channel */
        get: operations["MonitorsController_alerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/tenants/{id}/browser-access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant's browser settings: allowed origins (CORS) and kinds for publishable keys (ADMIN_TOKEN) */
        get: operations["BrowserAccessController_get"];
        /** Set a tenant's allowed browser origins and/or the kinds its publishable keys may submit (ADMIN_TOKEN) */
        put: operations["BrowserAccessController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["HealthController_healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: Redis and the database answer */
        get: operations["HealthController_readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format 0.0.4) */
        get: operations["HealthController_metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @enum {string} */
        ErrorCode: "VALIDATION_FAILED" | "MALFORMED_JSON" | "PAYLOAD_TOO_LARGE" | "UNKNOWN_KIND" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "RATE_LIMITED" | "QUOTA_EXCEEDED" | "SERVICE_UNAVAILABLE" | "TARGET_NOT_ALLOWED" | "ANALYSIS_TOO_EXPENSIVE" | "ANALYSIS_BUSY" | "REPORT_REJECTED" | "INTERNAL";
        ProblemFieldError: {
            /**
             * @description JSON path of the field.
             * @example checks[3].domain
             */
            field: string;
            /** @example domain must be a valid domain name */
            message: string;
        };
        /** @description RFC 9457 problem details. `type` is a stable URI per `code`; clients should branch on `code`. Members not listed here may be added. */
        Problem: {
            /**
             * Format: uri
             * @example https://smtp-doctor.dev/problems/validation-failed
             */
            type: string;
            /** @example Your request has invalid fields */
            title: string;
            /** @example 400 */
            status: number;
            /** @example domain: domain must be a valid domain name */
            detail: string;
            /** @example VALIDATION_FAILED */
            code: components["schemas"]["ErrorCode"];
            /**
             * @description The request path.
             * @example /v1/checks
             */
            instance?: string;
            /** @description One entry per invalid field. */
            errors?: components["schemas"]["ProblemFieldError"][];
            /** @description Seconds to wait before retrying (also Retry-After). */
            retryAfter?: number;
            /**
             * @description Which limit refused the request (RATE_LIMITED, QUOTA_EXCEEDED).
             * @example auth
             */
            scope?: string;
            /** @description POST /v1/batches: indexes of the invalid checks. */
            invalidIndexes?: number[];
            /**
             * @description REPORT_REJECTED: why the report was refused (xml_dtd_forbidden, decompressed_too_large, ...).
             * @example xml_dtd_forbidden
             */
            reason?: string;
            /**
             * Format: uuid
             * @description INTERNAL: the id logged with the error; quote it.
             */
            errorId?: string;
        };
        MxCheckInput: {
            /**
             * @description Domain whose MX records are checked (IDN allowed).
             * @example example.com
             */
            domain: string;
        };
        DnsCheckInput: {
            /**
             * @description Domain to audit (IDN allowed).
             * @example example.com
             */
            domain: string;
            /**
             * @description DKIM selectors to check besides the built-in common ones.
             * @example [
             *       "s1",
             *       "google"
             *     ]
             */
            dkimSelectors?: string[];
            /**
             * @description Addresses that send mail for the domain: SPF evaluation, reverse DNS and blocklists.
             * @example [
             *       "203.0.113.5"
             *     ]
             */
            sendingIps?: string[];
        };
        SmtpAuthInput: {
            /** @example user@example.com */
            username: string;
            /**
             * @description Used for this run only, never stored or shown.
             * @example app-password
             */
            password: string;
        };
        SmtpCheckInput: {
            /**
             * @description Probe every MX of this domain, in priority order.
             * @example example.com
             */
            domain?: string;
            /**
             * @description Probe this host (name or IP) instead of a domain's MX.
             * @example mx.example.com
             */
            host?: string;
            /**
             * @description Ports to probe (default 25, or 587 with auth). 465 is implicit TLS.
             * @example [
             *       25,
             *       587
             *     ]
             */
            ports?: number[];
            /**
             * @description Check this recipient with MAIL FROM + RCPT TO (no mail is sent).
             * @example postmaster@example.com
             */
            recipient?: string;
            auth?: components["schemas"]["SmtpAuthInput"];
            /**
             * @description Envelope sender; empty string for the null sender <>.
             * @example probe@example.com
             */
            mailFrom?: string;
            /**
             * @description Name sent in EHLO (default PROBE_EHLO_NAME).
             * @example probe.example.com
             */
            ehloName?: string;
            /**
             * @description Also check that the server refuses to relay to an outside domain.
             * @default false
             */
            relayTest?: boolean;
            /**
             * @description Total time bound of the probe in ms.
             * @example 60000
             */
            timeoutMs?: number;
        };
        ContentHeaderInput: {
            /** @example List-Unsubscribe */
            key: string;
            /** @example <https://example.com/u/123> */
            value: string;
        };
        ContentAttachmentInput: {
            /** @example report.pdf */
            filename: string;
            /** @example application/pdf */
            contentType: string;
            /** @description File content, base64. */
            content: string;
        };
        ContentEmailInput: {
            /** @example Newsletter <news@example.com> */
            from: string;
            /**
             * @example [
             *       "user@example.net"
             *     ]
             */
            to: string[];
            /** @example Your July statement */
            subject: string;
            text?: string;
            html?: string;
            /** @description Extra header fields, in order. */
            headers?: components["schemas"]["ContentHeaderInput"][];
            attachments?: components["schemas"]["ContentAttachmentInput"][];
        };
        ContentContextInput: {
            /**
             * @description IP of the sending server as the receiver sees it (enables SPF, DMARC with SPF, iprev).
             * @example 192.0.2.10
             */
            clientIp?: string;
            /** @example mail.example.com */
            helo?: string;
            /**
             * @description Envelope sender (MAIL FROM).
             * @example bounces@example.com
             */
            mailFrom?: string;
        };
        ContentCheckInput: {
            /** @description The raw RFC 5322 message (headers, blank line, body). Give this or `email`. */
            message?: string;
            /** @description The message as parts, assembled with nodemailer. Give this or `message`. */
            email?: components["schemas"]["ContentEmailInput"];
            context?: components["schemas"]["ContentContextInput"];
            /**
             * @description The recipient's SpamAssassin user_prefs lines of the welcome- and block-list family only (welcomelist_from, unwelcomelist_from, welcomelist_from_rcvd, def_welcomelist_from_rcvd, unwelcomelist_from_rcvd, welcomelist_allows_relays, blocklist_from, unblocklist_from, welcomelist_to, more_spam_to, all_spam_to, blocklist_to; the 3.x whitelist_/blacklist_ spellings too), at most 100 lines of 1000 characters and 200 addresses. The SpamAssassin rules USER_IN_WELCOMELIST (-100), USER_IN_DEF_WELCOMELIST (-15), USER_IN_BLOCKLIST (+100) and the recipient-side USER_IN_WELCOMELIST_TO (-6), USER_IN_MORE_SPAM_TO (-20), USER_IN_ALL_SPAM_TO (-100), USER_IN_BLOCKLIST_TO (+10) then run as SpamAssassin runs them: "would this recipient's filter welcome my message, and if not, why". Any other setting or a malformed line is refused.
             * @example [
             *       "welcomelist_from_rcvd *@example.com mail.example.com",
             *       "def_welcomelist_from_rcvd *@example.com [192.0.2.0/24]"
             *     ]
             */
            filterPrefs?: string[];
        };
        HealthCheckInput: {
            /**
             * @description Domain to grade: DNS audit plus an SMTP probe of each MX on port 25.
             * @example example.com
             */
            domain: string;
        };
        FindingModel: {
            /** @example MX_MISSING */
            code: string;
            /** @enum {string} */
            severity: "critical" | "error" | "warning" | "info";
            title: string;
            detail: string;
            remediation: string;
            /** @description Raw evidence (records, replies, transcript excerpts). */
            evidence?: Record<string, never>;
            references?: string[];
            /**
             * @description The health-grade area the code counts toward (its catalog entry's); absent for codes the grade never sees.
             * @enum {string}
             */
            area?: "mail_routing" | "sender_authentication" | "transport_security" | "reputation" | "server_behaviour";
            /** @description Root cause first: the codes of the findings this one implies (e.g. no SPF of a domain that does not exist), folded under it instead of listed as separate problems. */
            folded?: string[];
        };
        CheckModel: {
            /** Format: uuid */
            id: string;
            /** @example mx */
            kind: string;
            /** @enum {string} */
            status: "queued" | "running" | "completed" | "failed";
            /** @description Main target (domain, host, ...). */
            target: string;
            /** @description The validated input, secrets removed. */
            input: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            verdict?: "pass" | "warn" | "fail" | "indeterminate";
            score?: number;
            findings: components["schemas"]["FindingModel"][];
            /**
             * @description The finding that decided the verdict on its own (the domain does not exist, its name servers all fail, no MX, no MX host reachable), when there is one: it is listed first, and the findings it implies are folded under it (its `folded` codes).
             * @example DOMAIN_NOT_FOUND
             */
            rootCause?: string;
            /** @description Kind-specific evidence. */
            result?: {
                [key: string]: unknown;
            };
            /** @description Why the check could not run (not a verdict). */
            error?: string;
            batchId?: string;
            /** @description The monitor that ran this check, when a monitor did. */
            monitorId?: string;
            /** @description Live progress 0-100 (subscriptions only). */
            progress?: number;
            /** @description Live phase label (subscriptions only). */
            phase?: string;
            createdAt: string;
            startedAt?: string;
            completedAt?: string;
            durationMs?: number;
        };
        SubmittedCheckModel: {
            id: string;
            kind: string;
            status: string;
            createdAt: string;
        };
        CheckPageModel: {
            items: components["schemas"]["CheckModel"][];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            nextCursor?: string;
        };
        BatchModel: {
            id: string;
            /** @enum {string} */
            status: "running" | "completed";
            total: number;
            completed: number;
            failed: number;
            createdAt: string;
            completedAt?: string;
        };
        FindingDefinitionModel: {
            code: string;
            severity: string;
            title: string;
            remediation: string;
            module: string;
            references?: string[];
            /**
             * @description The health-grade area the code counts toward (src/findings/catalog.ts); null for codes the health grade never sees (content rules).
             * @enum {string|null}
             */
            area: "mail_routing" | "sender_authentication" | "transport_security" | "reputation" | "server_behaviour" | null;
        };
        CreateTenantInput: {
            /**
             * @description Tenant id (letters, digits, _ . -); generated when absent.
             * @example acme
             */
            id?: string;
            /** @example Acme Inc. */
            name: string;
            /** @description Kinds publishable keys of this tenant may submit (default: all). */
            allowedKinds?: ("mx" | "dns" | "smtp" | "content" | "health")[];
            /** @description Browser origins allowed to call the API with this tenant's publishable keys. */
            corsOrigins?: string[];
        };
        TenantModel: {
            /** @example acme */
            id: string;
            /** @example Acme Inc. */
            name: string;
            /** Format: date-time */
            createdAt: string;
            /** @description Kinds publishable keys may submit; null: all. */
            allowedKinds: string[] | null;
            corsOrigins: string[];
        };
        CreateKeyInput: {
            /**
             * @default secret
             * @enum {string}
             */
            type?: "secret" | "publishable";
            /** @example billing backend */
            label?: string;
        };
        CreatedApiKeyModel: {
            /** Format: uuid */
            id: string;
            /** @example acme */
            tenantId: string;
            /** @enum {string} */
            type: "secret" | "publishable";
            label?: string;
            /** @example sk_3Fq9a1b */
            prefix: string;
            /** Format: date-time */
            createdAt: string;
            /** @description The key itself: shown only in this answer, stored only as a hash. */
            key: string;
        };
        ApiKeyModel: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            type: "secret" | "publishable";
            /**
             * @description The first characters of the key, to recognise it.
             * @example sk_3Fq9a1b
             */
            prefix: string;
            label?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            revokedAt?: string;
        };
        ExplainReplyInput: {
            /**
             * @description An SMTP reply (single or multi-line), or an NDR line as mail servers and clients print it.
             * @example 550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos
             */
            reply: string;
            /**
             * @description With ?diagnose=domain: the domain whose suggested live checks are queued.
             * @example example.com
             */
            domain?: string;
        };
        SkippedDiagnosisModel: {
            /** @enum {string} */
            check: "dns" | "dnsbl" | "mx" | "smtp" | "content";
            reason: string;
        };
        DiagnosisModel: {
            domain: string;
            /** @description The batch holding the queued checks (GET /v1/batches/:id); absent when nothing could be queued. */
            batchId?: string;
            /** @description Check kinds queued for the domain. */
            kinds: string[];
            skipped: components["schemas"]["SkippedDiagnosisModel"][];
        };
        ExplanationModel: {
            /**
             * @description Basic reply code (RFC 5321 §4.2); null when the text has none.
             * @example 550
             */
            code?: number | null;
            /**
             * @description Enhanced status code (RFC 3463).
             * @example 5.1.1
             */
            enhancedStatus?: string | null;
            /** @enum {string} */
            class: "success" | "transient" | "permanent";
            /** @enum {string} */
            category: "recipient_unknown" | "mailbox_full" | "authentication" | "sender_authentication" | "connection" | "rate_limited" | "spam_content" | "blocklisted" | "policy" | "relay_denied" | "syntax" | "message_too_large" | "greylisted" | "tls_required" | "dns" | "other";
            /**
             * @description The same code the live probe uses for this cause.
             * @example SMTP_RECIPIENT_UNKNOWN
             */
            findingCode: string;
            title: string;
            meaning: string;
            likelyCauses: string[];
            remediation: string[];
            retryable: boolean;
            /** @example Gmail */
            provider?: string;
            references: string[];
            /** @description Live checks that would confirm the cause; POST /v1/explain?diagnose=domain queues them. */
            suggestedChecks: ("dns" | "dnsbl" | "mx" | "smtp" | "content")[];
            diagnosis?: components["schemas"]["DiagnosisModel"];
        };
        AnalyzeBounceInput: {
            /** @description The raw bounce message (RFC 5322 text with headers), as received. */
            message: string;
        };
        BounceRecipientModel: {
            address: string;
            /** @enum {string} */
            action: "failed" | "delayed" | "delivered" | "relayed" | "expanded" | "complaint" | "auto-replied";
            /** @example 5.1.1 */
            status?: string | null;
            remoteMta?: string | null;
            diagnosticCode?: string | null;
            /** @enum {string} */
            hardSoft: "hard" | "soft";
            reason: string;
            explanation: components["schemas"]["ExplanationModel"];
        };
        BounceAnalysisModel: {
            isBounce: boolean;
            /**
             * @description rfc3464 (DSN), arf (RFC 5965 complaint), rfc3834 (auto-reply), text (non-standard bounce) or none.
             * @example rfc3464
             */
            format: string;
            reportingMta?: Record<string, never>;
            feedbackType?: string;
            originalMessageId?: Record<string, never>;
            recipients: components["schemas"]["BounceRecipientModel"][];
        };
        AnalyzeLogsInput: {
            /** @description Postfix, Exim or Sendmail log lines. */
            text: string;
        };
        LogMtaCountsModel: {
            postfix: number;
            exim: number;
            sendmail: number;
        };
        LogDeliveryCountsModel: {
            sent: number;
            deferred: number;
            bounced: number;
            expired: number;
        };
        LogMessageCountsModel: {
            sent: number;
            bounced: number;
            deferred: number;
        };
        LogPatternModel: {
            /** @enum {string} */
            kind: "deferred" | "bounced" | "expired" | "rejected";
            /** @enum {string} */
            category: "recipient_unknown" | "mailbox_full" | "authentication" | "sender_authentication" | "connection" | "rate_limited" | "spam_content" | "blocklisted" | "policy" | "relay_denied" | "syntax" | "message_too_large" | "greylisted" | "tls_required" | "dns" | "other";
            /** @description Recipient domain (deliveries) or client (rejections). */
            remoteDomain: string;
            /** @description The reply with addresses, IPs, ids and numbers replaced by placeholders. */
            reply: string;
            count: number;
            explanation: components["schemas"]["ExplanationModel"];
            /** @description Original lines (cut at 500 characters). */
            examples: string[];
        };
        LogAnalysisModel: {
            lines: number;
            recognised: components["schemas"]["LogMtaCountsModel"];
            /** @description Delivery attempts per recipient. */
            deliveries: components["schemas"]["LogDeliveryCountsModel"];
            /** @description Inbound rejections. */
            rejections: number;
            /** @description Outcome per message (queue id). */
            messages: components["schemas"]["LogMessageCountsModel"];
            /** @description Top error patterns grouped by category, remote domain and reply. */
            topPatterns: components["schemas"]["LogPatternModel"][];
            patternsEvicted: number;
            longLines: number;
        };
        HealthAreaModel: {
            /** @enum {string} */
            area: "mail_routing" | "sender_authentication" | "transport_security" | "reputation" | "server_behaviour";
            /** @example Sender authentication */
            label: string;
            /** @enum {string} */
            status: "pass" | "warn" | "fail" | "unknown";
            /** @description Absent when the area could not be assessed. */
            score?: Record<string, never>;
            /** @description Weight in the overall score (formula health-v2). */
            weight: number;
            findingCount: number;
        };
        HealthFindingModel: {
            /** @example MX_MISSING */
            code: string;
            /** @enum {string} */
            severity: "critical" | "error" | "warning" | "info";
            title: string;
            detail: string;
            remediation: string;
            /** @description Raw evidence (records, replies, transcript excerpts). */
            evidence?: Record<string, never>;
            references?: string[];
            /**
             * @description The health-grade area the code counts toward (its catalog entry's); absent for codes the grade never sees.
             * @enum {string}
             */
            area?: "mail_routing" | "sender_authentication" | "transport_security" | "reputation" | "server_behaviour";
            /** @description Root cause first: the codes of the findings this one implies (e.g. no SPF of a domain that does not exist), folded under it instead of listed as separate problems. */
            folded?: string[];
            /** @description Points this finding costs the overall score (before caps); findings are ordered by it. */
            impact: number;
        };
        HealthChildCheckModel: {
            id: string;
            kind: string;
            target: string;
            status: string;
            verdict?: Record<string, never>;
        };
        HealthReportModel: {
            /**
             * @description Version of the scoring formula (src/reports/health/health.score.ts).
             * @example health-v2
             */
            formula: string;
            domain: string;
            /** @description The health check this report belongs to. */
            checkId: string;
            score: number;
            /** @enum {string} */
            grade: "A" | "B" | "C" | "D" | "F";
            /** @enum {string} */
            verdict: "pass" | "warn" | "fail" | "indeterminate";
            /**
             * @description When mail cannot be delivered: the finding that decided the grade (F). The findings it implies are folded under it (its `folded` codes).
             * @example DOMAIN_NOT_FOUND
             */
            rootCause?: string;
            generatedAt: string;
            areas: components["schemas"]["HealthAreaModel"][];
            /** @description Ordered by impact, highest first; `remediation` is the fix. */
            findings: components["schemas"]["HealthFindingModel"][];
            checks: components["schemas"]["HealthChildCheckModel"][];
        };
        HistoryPointModel: {
            checkId: string;
            at: string;
            score: number;
            grade: string;
            /**
             * @description Version of the formula that scored this run.
             * @example health-v2
             */
            formula: string;
            /** @description True when the previous run was scored by another formula version: the change of score and grade from it is (at least partly) the formula's, not the domain's. Finding codes are compared either way, folded ones included. */
            formulaChanged: boolean;
            /** @description Finding codes present now but not in the previous run. */
            appeared: string[];
            /** @description Finding codes of the previous run that are gone ("did my fix work?"). */
            disappeared: string[];
        };
        DomainHistoryModel: {
            domain: string;
            /** @description Oldest first. */
            points: components["schemas"]["HistoryPointModel"][];
        };
        CreateWebhookInput: {
            /**
             * @description http(s) URL; must resolve to a public address (same SSRF policy as the probe).
             * @example https://hooks.example.com/smtp-doctor
             */
            url: string;
            /**
             * @example [
             *       "check.completed"
             *     ]
             */
            events: ("check.completed" | "batch.completed" | "health.changed" | "monitor.alert")[];
            /** @description Signing secret; generated and shown once when absent. */
            secret?: string;
        };
        CreatedWebhookModel: {
            id: string;
            url: string;
            events: string[];
            /** @enum {string} */
            status: "active" | "disabled";
            /** @description Failed delivery attempts in a row; the webhook is disabled at WEBHOOK_DISABLE_AFTER. */
            consecutiveFailures: number;
            createdAt: string;
            disabledAt?: string;
            disabledReason?: string;
            /** @description The signing secret, shown once. */
            secret: string;
            /** @description Set when signing secrets will not survive a restart (no SECRET_KEY). */
            warning?: string;
        };
        WebhookModel: {
            id: string;
            url: string;
            events: string[];
            /** @enum {string} */
            status: "active" | "disabled";
            /** @description Failed delivery attempts in a row; the webhook is disabled at WEBHOOK_DISABLE_AFTER. */
            consecutiveFailures: number;
            createdAt: string;
            disabledAt?: string;
            disabledReason?: string;
        };
        WebhookPageModel: {
            items: components["schemas"]["WebhookModel"][];
        };
        WebhookDeliveryModel: {
            id: string;
            /** @enum {string} */
            event: "check.completed" | "batch.completed" | "health.changed" | "monitor.alert";
            eventId: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            attempts: number;
            responseStatus?: number;
            error?: string;
            /** @description The JSON body that was (or will be) POSTed. */
            payload: {
                [key: string]: unknown;
            };
            createdAt: string;
            updatedAt: string;
        };
        WebhookDeliveryPageModel: {
            items: components["schemas"]["WebhookDeliveryModel"][];
            nextCursor?: string;
        };
        ReportSubmissionModel: {
            /** @description Submission id (the intake job id). */
            id: string;
            /** @enum {string} */
            source: "upload" | "smtp" | "imap";
            /** @enum {string} */
            status: "queued" | "stored" | "refused";
            size: number;
            /** @description Why it was refused (too_large, decompressed_too_large, compression_ratio, xml_dtd_forbidden, ...), or "duplicate". */
            code?: Record<string, never>;
            reason?: Record<string, never>;
            /** @description Stored report ids (a duplicate points at the stored one). */
            reportIds: string[];
            receivedAt: string;
            completedAt?: Record<string, never>;
        };
        ReportAddressModel: {
            /** @example dmarc+3f9c0a1b2c3d4e5f6a7b@reports.example.com */
            address: string;
            aliases: string[];
            /** @description Whether the inbound SMTP endpoint is on (REPORTS_SMTP_PORT). */
            smtpEnabled: boolean;
        };
        ReceivedReportModel: {
            id: string;
            /** @enum {string} */
            kind: "aggregate" | "failure" | "tlsrpt";
            domain: string;
            orgName: string;
            reportId: string;
            begin: string;
            end: string;
            /** @description Messages (aggregate), TLS sessions (TLS-RPT) or 1 (failure). */
            messages: number;
            receivedAt: string;
            /** @description The parsed report (only when one report is fetched by id). */
            report?: Record<string, never>;
        };
        SendingSourceModel: {
            ip: string;
            ptr?: string;
            messages: number;
            /** @description 0..1 */
            share: number;
            spfAlignedRate: number;
            dkimAlignedRate: number;
            dmarcPassRate: number;
            /** @description Messages per disposition (none, quarantine, reject). */
            dispositions: Record<string, never>;
            dkim: string[];
            envelopeFrom: string[];
        };
        DomainSourcesModel: {
            domain: string;
            since: string;
            reports: number;
            messages: number;
            dmarcPassRate: number;
            spfAlignedRate: number;
            dkimAlignedRate: number;
            publishedPolicy?: Record<string, never>;
            sources: components["schemas"]["SendingSourceModel"][];
            selectors: Record<string, never>[];
            tlsFailures: Record<string, never>[];
            findings: components["schemas"]["FindingModel"][];
        };
        MonitorChannelsInput: {
            /**
             * @description Send `monitor.alert` events to the tenant's signed webhooks subscribed to that event.
             * @default false
             */
            webhooks?: boolean;
            /**
             * @description E-mail recipients (plain text + HTML), sent through ALERT_SMTP_URL.
             * @example [
             *       "postmaster@example.com"
             *     ]
             */
            emails?: string[];
            /**
             * @description Chat incoming-webhook URLs (Slack or Mattermost shape: a JSON body with `text`); same SSRF policy as webhooks.
             * @example [
             *       "https://hooks.slack.com/services/T000/B000/XXXX"
             *     ]
             */
            chat?: string[];
        };
        CreateMonitorInput: {
            /** @example example.com mail */
            name?: string;
            /**
             * @description Domain (health, dns, mx, smtp of every MX) or host/IP (smtp of that host).
             * @example example.com
             */
            target: string;
            /**
             * @example [
             *       "dns",
             *       "smtp"
             *     ]
             */
            kinds: ("health" | "dns" | "mx" | "smtp")[];
            /**
             * @description Seconds between runs; at least MONITOR_MIN_INTERVAL_S (default 300).
             * @example 900
             */
            intervalSeconds: number;
            /** @description Consecutive agreeing results before a change alerts (default MONITOR_CONFIRMATIONS, 2). */
            confirmations?: number;
            /**
             * @description Sending IPs for the dns kind: SPF, reverse DNS and blocklists (DNSBL) of each.
             * @example [
             *       "203.0.113.5"
             *     ]
             */
            sendingIps?: string[];
            /**
             * @description Ports of the smtp kind (default 25).
             * @example [
             *       25
             *     ]
             */
            ports?: number[];
            /**
             * @description smtp kind: probe the target itself as a host rather than the MX of a domain (always so for an IP).
             * @default false
             */
            probeHost?: boolean;
            channels?: components["schemas"]["MonitorChannelsInput"];
        };
        MonitorChannelsModel: {
            webhooks: boolean;
            emails: string[];
            chat: string[];
        };
        MonitorKindStateModel: {
            kind: string;
            /** @description Confirmed verdict (after hysteresis). */
            verdict?: string;
            grade?: string;
            /** @description Confirmed finding codes of severity warning or worse. */
            findingCodes: string[];
            /** @description Results in a row that differ from the confirmed state (0 = none pending). */
            pendingCount: number;
            /** @description Indeterminate results in a row (they never alert by themselves). */
            indeterminateRuns: number;
            lastCheckId: string;
        };
        MonitorModel: {
            id: string;
            name?: string;
            target: string;
            kinds: string[];
            intervalSeconds: number;
            confirmations: number;
            sendingIps?: string[];
            ports?: number[];
            probeHost?: boolean;
            channels: components["schemas"]["MonitorChannelsModel"];
            /** @enum {string} */
            status: "active" | "paused";
            /** @description When the last run was submitted. */
            lastRunAt?: string;
            /** @description Next scheduled run (from the job scheduler), when active. */
            nextRunAt?: string;
            state?: components["schemas"]["MonitorKindStateModel"][];
            createdAt: string;
            updatedAt: string;
        };
        MonitorPageModel: {
            items: components["schemas"]["MonitorModel"][];
            nextCursor?: string;
        };
        UpdateMonitorInput: {
            name?: string;
            kinds?: ("health" | "dns" | "mx" | "smtp")[];
            intervalSeconds?: number;
            confirmations?: number;
            channels?: components["schemas"]["MonitorChannelsInput"];
        };
        MonitorRunCheckModel: {
            id: string;
            kind: string;
        };
        MonitorRunModel: {
            monitorId: string;
            checks: components["schemas"]["MonitorRunCheckModel"][];
        };
        AlertDeliveryModel: {
            id: string;
            /** @enum {string} */
            channel: "email" | "chat" | "webhook";
            /** @description E-mail address, chat URL, or webhook id. */
            destination: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            attempts: number;
            error?: string;
            updatedAt: string;
        };
        MonitorAlertModel: {
            id: string;
            monitorId: string;
            kind: string;
            /**
             * @description problem / recovery: a confirmed change; indeterminate: no result for MONITOR_INDETERMINATE_ALERT_RUNS runs in a row ("cannot check", not a failure); resumed: the first result after that.
             * @enum {string}
             */
            type: "problem" | "recovery" | "indeterminate" | "resumed";
            /** @description The check whose result confirmed the change. */
            checkId: string;
            /** @description What changed: verdict {from,to}, grade, findings appeared and cleared. */
            change: {
                [key: string]: unknown;
            };
            deliveries: components["schemas"]["AlertDeliveryModel"][];
            createdAt: string;
        };
        MonitorAlertPageModel: {
            items: components["schemas"]["MonitorAlertModel"][];
            nextCursor?: string;
        };
        BrowserAccessModel: {
            /** @example acme */
            tenantId: string;
            /**
             * @example [
             *       "https://app.example.com"
             *     ]
             */
            corsOrigins: string[];
            /**
             * @example [
             *       "dns",
             *       "mx"
             *     ]
             */
            allowedKinds: string[] | null;
        };
        BrowserAccessInput: {
            /**
             * @description Origins (scheme://host[:port]) allowed to call the API with this tenant's publishable keys; [] allows none besides CORS_ORIGINS. Absent: unchanged.
             * @example [
             *       "https://app.example.com"
             *     ]
             */
            corsOrigins?: string[];
            /**
             * @description Kinds publishable keys may submit; null allows all. Absent: unchanged.
             * @example [
             *       "dns",
             *       "mx"
             *     ]
             */
            allowedKinds?: ("mx" | "dns" | "smtp" | "content" | "health")[] | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    ChecksController_list: {
        parameters: {
            query?: {
                kind?: string;
                target?: string;
                status?: "queued" | "running" | "completed" | "failed";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckPageModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ChecksController_submit: {
        parameters: {
            query?: {
                /** @description Seconds to wait for completion (0-30). */
                wait?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": ({
                    /**
                     * @description Resolve the MX records of a domain and their addresses.
                     * @enum {string}
                     */
                    kind: "mx";
                } & components["schemas"]["MxCheckInput"]) | ({
                    /**
                     * @description Audit MX, SPF, DMARC, DKIM, reverse DNS, blocklists, MTA-STS, TLS-RPT, DANE, DNSSEC and BIMI of a domain.
                     * @enum {string}
                     */
                    kind: "dns";
                } & components["schemas"]["DnsCheckInput"]) | ({
                    /**
                     * @description Probe a mail server over SMTP: connect, banner, EHLO, STARTTLS and certificate, AUTH, MAIL FROM/RCPT TO (never DATA), open-relay test, with a transcript.
                     * @enum {string}
                     */
                    kind: "smtp";
                } & components["schemas"]["SmtpCheckInput"]) | ({
                    /**
                     * @description Score a message like spam filters do (structure, text, HTML, links, attachments, DKIM/SPF/DMARC/ARC, bulk-sender rules) and explain every point.
                     * @enum {string}
                     */
                    kind: "content";
                } & components["schemas"]["ContentCheckInput"]) | ({
                    /**
                     * @description Grade a domain's mail health A-F: DNS audit plus an SMTP probe of each MX, with per-area status and the fixes ordered by impact.
                     * @enum {string}
                     */
                    kind: "health";
                } & components["schemas"]["HealthCheckInput"]);
            };
        };
        responses: {
            /** @description Finished within ?wait */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckModel"];
                };
            };
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmittedCheckModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ChecksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BatchesController_submit: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    checks: (({
                        /**
                         * @description Resolve the MX records of a domain and their addresses.
                         * @enum {string}
                         */
                        kind: "mx";
                    } & components["schemas"]["MxCheckInput"]) | ({
                        /**
                         * @description Audit MX, SPF, DMARC, DKIM, reverse DNS, blocklists, MTA-STS, TLS-RPT, DANE, DNSSEC and BIMI of a domain.
                         * @enum {string}
                         */
                        kind: "dns";
                    } & components["schemas"]["DnsCheckInput"]) | ({
                        /**
                         * @description Probe a mail server over SMTP: connect, banner, EHLO, STARTTLS and certificate, AUTH, MAIL FROM/RCPT TO (never DATA), open-relay test, with a transcript.
                         * @enum {string}
                         */
                        kind: "smtp";
                    } & components["schemas"]["SmtpCheckInput"]) | ({
                        /**
                         * @description Score a message like spam filters do (structure, text, HTML, links, attachments, DKIM/SPF/DMARC/ARC, bulk-sender rules) and explain every point.
                         * @enum {string}
                         */
                        kind: "content";
                    } & components["schemas"]["ContentCheckInput"]) | ({
                        /**
                         * @description Grade a domain's mail health A-F: DNS audit plus an SMTP probe of each MX, with per-area status and the fixes ordered by impact.
                         * @enum {string}
                         */
                        kind: "health";
                    } & components["schemas"]["HealthCheckInput"]))[];
                };
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id?: string;
                        total?: number;
                    };
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BatchesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BatchesController_checks: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckPageModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    FindingsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FindingDefinitionModel"][];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AdminController_createTenant: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTenantInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AdminController_listKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyModel"][];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AdminController_createKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["CreateKeyInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKeyModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AdminController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ExplainController_explain: {
        parameters: {
            query?: {
                diagnose?: "domain";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExplainReplyInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExplanationModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ExplainController_analyzeBounce: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AnalyzeBounceInput"] | string;
                "message/rfc822": components["schemas"]["AnalyzeBounceInput"] | string;
                "text/plain": components["schemas"]["AnalyzeBounceInput"] | string;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BounceAnalysisModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    LogsController_analyze: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "text/plain": string | components["schemas"]["AnalyzeLogsInput"];
                "application/json": string | components["schemas"]["AnalyzeLogsInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogAnalysisModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Input refused: too expensive to analyse, or not a valid report (problem+json; code `ANALYSIS_TOO_EXPENSIVE`, `REPORT_REJECTED`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HistoryController_report: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                domain: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthReportModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HistoryController_history: {
        parameters: {
            query?: {
                /** @description Newest runs to return (1-500, default 50). */
                limit?: number;
            };
            header?: never;
            path: {
                domain: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DomainHistoryModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ExportController_report: {
        parameters: {
            query?: {
                format?: "json" | "md" | "html";
                /** @description Ask the browser to save the file (Content-Disposition: attachment). */
                download?: boolean;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The report in the requested format. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPageModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhookModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WebhooksController_deliveries: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPageModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ReportsController_list: {
        parameters: {
            query?: {
                domain?: string;
                kind?: "aggregate" | "failure" | "tlsrpt";
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReceivedReportModel"][];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Not allowed (problem+json; code `FORBIDDEN`)
             *
             *     Not allowed (problem+json; code `FORBIDDEN`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ReportsController_upload: {
        parameters: {
            query?: {
                wait?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/xml": string;
                "application/gzip": string;
                "application/zip": string;
                "application/json": string;
                "message/rfc822": string;
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description Stored (with ?wait). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportSubmissionModel"];
                };
            };
            /** @description Queued. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportSubmissionModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Not allowed (problem+json; code `FORBIDDEN`)
             *
             *     Not allowed (problem+json; code `FORBIDDEN`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Input refused: too expensive to analyse, or not a valid report (problem+json; code `ANALYSIS_TOO_EXPENSIVE`, `REPORT_REJECTED`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ReportsController_address: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportAddressModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Not allowed (problem+json; code `FORBIDDEN`)
             *
             *     Not allowed (problem+json; code `FORBIDDEN`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ReportsController_submission: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReportSubmissionModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Not allowed (problem+json; code `FORBIDDEN`)
             *
             *     Not allowed (problem+json; code `FORBIDDEN`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ReportsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReceivedReportModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Not allowed (problem+json; code `FORBIDDEN`)
             *
             *     Not allowed (problem+json; code `FORBIDDEN`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ReportsController_sources: {
        parameters: {
            query?: {
                /** @description Period in days (1-366, default 30). */
                days?: number;
            };
            header?: never;
            path: {
                domain: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DomainSourcesModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description Not allowed (problem+json; code `FORBIDDEN`)
             *
             *     Not allowed (problem+json; code `FORBIDDEN`)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_list: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitorPageModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateMonitorInput"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitorModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitorModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMonitorInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitorModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_pause: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitorModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_resume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitorModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_run: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitorRunModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_checks: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckPageModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    MonitorsController_alerts: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MonitorAlertPageModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service temporarily unavailable (problem+json; code `SERVICE_UNAVAILABLE`, `ANALYSIS_BUSY`) */
            503: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BrowserAccessController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BrowserAccessModel"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    BrowserAccessController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BrowserAccessInput"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BrowserAccessModel"];
                };
            };
            /** @description Bad request (problem+json; code `VALIDATION_FAILED`, `MALFORMED_JSON`, `UNKNOWN_KIND`, `TARGET_NOT_ALLOWED`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials (problem+json; code `UNAUTHENTICATED`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed (problem+json; code `FORBIDDEN`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found (problem+json; code `NOT_FOUND`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large (problem+json; code `PAYLOAD_TOO_LARGE`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (problem+json; code `RATE_LIMITED`, `QUOTA_EXCEEDED`) */
            429: {
                headers: {
                    /** @description Seconds to wait (when the problem has `retryAfter`). */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    HealthController_healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    HealthController_readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok" | "unavailable";
                        /**
                         * @description `ok`, or `down: <reason>`
                         * @example ok
                         */
                        redis: string;
                        /**
                         * @description `ok`, or `down: <reason>`
                         * @example ok
                         */
                        database: string;
                    };
                };
            };
            /** @description Redis or the database does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok" | "unavailable";
                        /**
                         * @description `ok`, or `down: <reason>`
                         * @example ok
                         */
                        redis: string;
                        /**
                         * @description `ok`, or `down: <reason>`
                         * @example ok
                         */
                        database: string;
                    };
                };
            };
        };
    };
    HealthController_metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
}
