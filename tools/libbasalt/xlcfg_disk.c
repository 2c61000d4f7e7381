// SPDX-License-Identifier: MIT
/*
 * Disk spec strings, xl-disk-configuration(5): positional
 * target,format,vdev,access; KEY=VALUE parameters and flags; the "target="
 * parameter that takes the rest of the string; deprecated prefixes such as
 * "raw:" or "tap:aio:". The scan reproduces libxlutil's lexer: at each
 * point every rule is tried, the longest match wins and, on a tie, the
 * earlier rule, so that odd specs mean exactly what they mean to xl.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <basalt/xlcfg.h>

struct disk_ctx {
	const char *spec;
	struct xlcfg_disk *disk;
	xlcfg_spec_err_fn err;
	void *ctx;
	int error;              /* first error: EINVAL or ENOMEM */
	bool had_depr_prefix;
	bool access_set;
};

/* Report message about near (may be NULL), libxlutil's words. */
static void disk_err(struct disk_ctx *c, const char *near, const char *msg)
{
	char buf[512];
	if (near)
		snprintf(buf, sizeof(buf), "%s: near `%s'", msg, near);
	else
		snprintf(buf, sizeof(buf), "%s", msg);
	if (c->err)
		c->err(c->ctx, buf);
	if (!c->error)
		c->error = EINVAL;
}

/* A string field may be given once; an empty earlier value may be replaced. */
static void save_string(struct disk_ctx *c, const char *what, char **field,
			const char *value)
{
	if (*field && **field) {
		char msg[64];
		snprintf(msg, sizeof(msg), "%s respecified", what);
		disk_err(c, value, msg);
		return;
	}
	free(*field);
	*field = strdup(value);
	if (!*field && !c->error)
		c->error = ENOMEM;
}

/* Set an enum field unless it already holds a different value. */
static void set_enum(struct disk_ctx *c, int *field, int v, const char *what,
		     const char *str)
{
	if (*field != 0 && *field != v) {
		char msg[64];
		snprintf(msg, sizeof(msg), "%s respecified", what);
		disk_err(c, str, msg);
		return;
	}
	*field = v;
}

static void set_format(struct disk_ctx *c, const char *s)
{
	static const struct { const char *name; int v; } formats[] = {
		{ "", XLCFG_FORMAT_RAW }, { "raw", XLCFG_FORMAT_RAW },
		{ "qcow", XLCFG_FORMAT_QCOW }, { "qcow2", XLCFG_FORMAT_QCOW2 },
		{ "vhd", XLCFG_FORMAT_VHD }, { "empty", XLCFG_FORMAT_EMPTY },
		{ "qed", XLCFG_FORMAT_QED },
	};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(s, formats[i].name)) {
			set_enum(c, (int *)&c->disk->format, formats[i].v,
				 "format", s);
			return;
		}
	disk_err(c, s, "unknown value for format");
}

static void set_backendtype(struct disk_ctx *c, const char *s)
{
	static const char *const names[] = { "phy", "tap", "qdisk",
					     "standalone" };
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			set_enum(c, (int *)&c->disk->backendtype, i + 1,
				 "backend", s);
			return;
		}
	disk_err(c, s, "unknown value for backendtype");
}

static void set_specification(struct disk_ctx *c, const char *s)
{
	if (!strcmp(s, "xen"))
		set_enum(c, (int *)&c->disk->specification, XLCFG_SPEC_XEN,
			 "specification", s);
	else if (!strcmp(s, "virtio"))
		set_enum(c, (int *)&c->disk->specification, XLCFG_SPEC_VIRTIO,
			 "specification", s);
	else
		disk_err(c, s, "unknown value for specification");
}

static void set_access(struct disk_ctx *c, const char *s)
{
	if (!strcmp(s, "r") || !strcmp(s, "ro"))
		c->disk->readwrite = false;
	else if (!strcmp(s, "rw") || !strcmp(s, "w") || !*s)
		c->disk->readwrite = true;
	else
		disk_err(c, s, "unknown value for access");
}

static void set_colo_port(struct disk_ctx *c, const char *s)
{
	int port = (int)strtol(s, NULL, 10);   /* atoi(), as xl reads it */
	if (port)
		c->disk->colo_port = port;
	else
		disk_err(c, s, "unknown value for colo_port");
}

/* "<vdev>:<devtype>" in the vdev position: true when it had a colon. */
static bool vdev_and_devtype(struct disk_ctx *c, char *s)
{
	char *colon = strrchr(s, ':');
	if (!colon)
		return false;
	*colon++ = 0;
	save_string(c, "vdev", &c->disk->vdev, s);
	if (!strcmp(colon, "cdrom"))
		c->disk->is_cdrom = true;
	else if (!strcmp(colon, "disk"))
		c->disk->is_cdrom = false;
	else
		disk_err(c, colon, "unknown deprecated type");
	return true;
}

/* Returns false to stop scanning, as the lexer's "return 0" does. */
static bool positional(struct disk_ctx *c, char *s)
{
	struct xlcfg_disk *d = c->disk;

	if (c->error) {
		/* later parameters would only add confusing errors */
	} else if (!d->target) {
		save_string(c, "target", &d->target, s);
	} else if (!c->had_depr_prefix && d->format == XLCFG_FORMAT_UNKNOWN) {
		if (!*d->target && vdev_and_devtype(c, s))
			d->format = XLCFG_FORMAT_EMPTY;
		else
			set_format(c, s);
	} else if (!d->vdev) {
		if (!vdev_and_devtype(c, s))
			save_string(c, "vdev", &d->vdev, s);
	} else if (!c->access_set) {
		c->access_set = true;
		set_access(c, s);
	} else {
		disk_err(c, s, "too many positional parameters");
		return false;
	}
	return true;
}

/* ---- the rules: each returns the match length (with trailing context)
 * or -1, and sets *take to the characters the rule consumes. ---- */

enum rule {
	R_SPACE, R_FORMAT, R_CDROM, R_DEVTYPE_CDROM, R_DEVTYPE_DISK,
	R_DEVTYPE_BAD, R_ACCESS, R_BACKEND, R_BACKENDTYPE, R_SPECIFICATION,
	R_VDEV, R_SCRIPT, R_DIRECT_IO_SAFE, R_DISCARD, R_NO_DISCARD, R_COLO,
	R_NO_COLO, R_COLO_HOST, R_COLO_PORT, R_COLO_EXPORT, R_ACTIVE_DISK,
	R_HIDDEN_DISK, R_TRUSTED, R_UNTRUSTED, R_TARGET, R_UNKNOWN_PARAM,
	R_PREFIX_FORMAT, R_PREFIX_SCRIPT, R_PREFIX_TAPDISK, R_PREFIX_TAP,
	R_PREFIX_AIO, R_PREFIX_IOEMU, R_PREFIX_FILE, R_PREFIX_PHY,
	R_PREFIX_UNKNOWN, R_POSITIONAL, R_OTHER, R_COUNT
};

/* Literal prefixes of the rules that are "word=[^,]*,?" or "word,?". */
static const char *const rule_word[R_COUNT] = {
	[R_FORMAT] = "format=", [R_CDROM] = "cdrom",
	[R_DEVTYPE_CDROM] = "devtype=cdrom", [R_DEVTYPE_DISK] = "devtype=disk",
	[R_DEVTYPE_BAD] = "devtype=", [R_ACCESS] = "access=",
	[R_BACKEND] = "backend=", [R_BACKENDTYPE] = "backendtype=",
	[R_SPECIFICATION] = "specification=", [R_VDEV] = "vdev=",
	[R_SCRIPT] = "script=", [R_DIRECT_IO_SAFE] = "direct-io-safe",
	[R_DISCARD] = "discard", [R_NO_DISCARD] = "no-discard",
	[R_COLO] = "colo", [R_NO_COLO] = "no-colo",
	[R_COLO_HOST] = "colo-host=", [R_COLO_PORT] = "colo-port=",
	[R_COLO_EXPORT] = "colo-export=", [R_ACTIVE_DISK] = "active-disk=",
	[R_HIDDEN_DISK] = "hidden-disk=", [R_TRUSTED] = "trusted",
	[R_UNTRUSTED] = "untrusted",
};

static bool is_lower(char ch) { return ch >= 'a' && ch <= 'z'; }
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* Length of ".*" (anything up to a newline) at s. */
static int rest_of_line(const char *s)
{
	return (int)strcspn(s, "\n");
}

static int opt_comma(const char *s, int n)
{
	return n + (s[n] == ',');
}

static int match_prefix(const char *s, const char *const *names, int *take)
{
	for (int i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);
		if (!strncmp(s, names[i], n) && s[n] == ':') {
			*take = (int)n + 1;
			return *take + rest_of_line(s + n + 1);
		}
	}
	return -1;
}

static int match(enum rule r, const char *s, int *take)
{
	static const char *const fmt_prefixes[] = { "raw", "qcow", "qcow2",
						    "vhd", NULL };
	static const char *const script_prefixes[] = { "iscsi", "nbd", "enbd",
						       "drbd", NULL };
	static const char *const tap_prefixes[] = { "tap", "tap2", NULL };
	int n;

	switch (r) {
	case R_SPACE:
		n = (int)strspn(s, " \t\n");
		if (!n)
			return -1;
		*take = n;
		return s[n] ? n + 1 + rest_of_line(s + n + 1) : n;
	case R_TARGET:
		if (strncmp(s, "target=", 7))
			return -1;
		return *take = 7 + rest_of_line(s + 7);
	case R_UNKNOWN_PARAM:
		if (!is_lower(s[0]))
			return -1;
		n = 1;
		while (is_lower(s[n]) || is_digit(s[n]) || s[n] == '-')
			n++;
		if (s[n] != '=' || !s[n + 1] || s[n + 1] == ',')
			return -1;
		return *take = opt_comma(s, n + 2);
	case R_PREFIX_FORMAT:
		return match_prefix(s, fmt_prefixes, take);
	case R_PREFIX_SCRIPT:
		return match_prefix(s, script_prefixes, take);
	case R_PREFIX_TAPDISK:
		return match_prefix(s, (const char *const[]){ "tapdisk", NULL },
				    take);
	case R_PREFIX_TAP:
		return match_prefix(s, tap_prefixes, take);
	case R_PREFIX_AIO:
		return match_prefix(s, (const char *const[]){ "aio", NULL }, take);
	case R_PREFIX_IOEMU:
		return match_prefix(s, (const char *const[]){ "ioemu", NULL },
				    take);
	case R_PREFIX_FILE:
		return match_prefix(s, (const char *const[]){ "file", NULL }, take);
	case R_PREFIX_PHY:
		return match_prefix(s, (const char *const[]){ "phy", NULL }, take);
	case R_PREFIX_UNKNOWN:
		if (!is_lower(s[0]))
			return -1;
		n = 1;
		while (is_lower(s[n]) || is_digit(s[n]))
			n++;
		if (s[n] != ':')
			return -1;
		*take = ++n;
		if (s[n] && !is_lower(s[n]) && !is_digit(s[n]))
			return n + 1 + rest_of_line(s + n + 1);
		return n;
	case R_POSITIONAL:
		n = (int)strcspn(s, "=,");
		if (s[n] == ',')
			return *take = n + 1;
		return n ? (*take = n) : -1;
	case R_OTHER:
		if (!s[0] || s[0] == '\n')
			return -1;
		return *take = 1;
	default:
		break;
	}
	/* The word rules. */
	const char *w = rule_word[r];
	size_t wl = strlen(w);
	if (strncmp(s, w, wl))
		return -1;
	n = (int)wl;
	if (w[wl - 1] == '=' && r != R_DEVTYPE_CDROM && r != R_DEVTYPE_DISK)
		n += (int)strcspn(s + n, ",");
	return *take = opt_comma(s, n);
}

/* The value after '=' of text, with one trailing comma removed. */
static char *value_of(char *text)
{
	size_t n = strlen(text);
	if (n && text[n - 1] == ',')
		text[n - 1] = 0;
	char *eq = strchr(text, '=');
	return eq ? eq + 1 : text;
}

static void strip_last(char *text, char ch)
{
	size_t n = strlen(text);
	if (n && text[n - 1] == ch)
		text[n - 1] = 0;
}

static void set_tri(enum xlcfg_tristate *t, bool v)
{
	*t = v ? XLCFG_TRUE : XLCFG_FALSE;
}

/* Run the action of rule r on text (a copy of the consumed characters).
 * Returns false to stop scanning. */
static bool action(struct disk_ctx *c, enum rule r, char *text)
{
	struct xlcfg_disk *d = c->disk;

	switch (r) {
	case R_SPACE: break;
	case R_FORMAT: set_format(c, value_of(text)); break;
	case R_CDROM:
	case R_DEVTYPE_CDROM: d->is_cdrom = true; break;
	case R_DEVTYPE_DISK: d->is_cdrom = false; break;
	case R_DEVTYPE_BAD: disk_err(c, text, "unknown value for type"); break;
	case R_ACCESS: set_access(c, value_of(text)); break;
	case R_BACKEND:
		save_string(c, "backend", &d->backend_domname, value_of(text));
		break;
	case R_BACKENDTYPE: set_backendtype(c, value_of(text)); break;
	case R_SPECIFICATION: set_specification(c, value_of(text)); break;
	case R_VDEV: save_string(c, "vdev", &d->vdev, value_of(text)); break;
	case R_SCRIPT: save_string(c, "script", &d->script, value_of(text)); break;
	case R_DIRECT_IO_SAFE: d->direct_io_safe = true; break;
	case R_DISCARD: set_tri(&d->discard, true); break;
	case R_NO_DISCARD: set_tri(&d->discard, false); break;
	case R_COLO: set_tri(&d->colo, true); break;
	case R_NO_COLO: set_tri(&d->colo, false); break;
	case R_COLO_HOST:
		save_string(c, "colo-host", &d->colo_host, value_of(text));
		break;
	case R_COLO_PORT: set_colo_port(c, value_of(text)); break;
	case R_COLO_EXPORT:
		save_string(c, "colo-export", &d->colo_export, value_of(text));
		break;
	case R_ACTIVE_DISK:
		save_string(c, "active-disk", &d->active_disk, value_of(text));
		break;
	case R_HIDDEN_DISK:
		save_string(c, "hidden-disk", &d->hidden_disk, value_of(text));
		break;
	case R_TRUSTED: set_tri(&d->trusted, true); break;
	case R_UNTRUSTED: set_tri(&d->trusted, false); break;
	case R_TARGET:
		save_string(c, "target", &d->target, value_of(text));
		break;
	case R_UNKNOWN_PARAM: disk_err(c, text, "unknown parameter"); break;
	case R_PREFIX_FORMAT:
		strip_last(text, ':');
		c->had_depr_prefix = true;
		set_format(c, text);
		break;
	case R_PREFIX_SCRIPT: {
		strip_last(text, ':');
		c->had_depr_prefix = true;
		char script[64];
		snprintf(script, sizeof(script), "block-%s", text);
		save_string(c, "script", &d->script, script);
		break;
	}
	case R_PREFIX_TAPDISK: case R_PREFIX_TAP: case R_PREFIX_AIO:
	case R_PREFIX_IOEMU: case R_PREFIX_FILE: case R_PREFIX_PHY:
		c->had_depr_prefix = true;
		break;
	case R_PREFIX_UNKNOWN:
		disk_err(c, text, "unknown deprecated disk prefix");
		return false;
	case R_POSITIONAL:
		strip_last(text, ',');
		return positional(c, text);
	case R_OTHER: case R_COUNT:
		break;
	}
	return true;
}

static void scan(struct disk_ctx *c)
{
	const char *s = c->spec;

	while (*s) {
		int best = -1, best_len = -1, best_take = 0;
		for (int r = 0; r < R_COUNT; r++) {
			int take = 0, len = match((enum rule)r, s, &take);
			if (len > best_len) {
				best = r;
				best_len = len;
				best_take = take;
			}
		}
		if (best == R_OTHER || best < 0) {
			/*
			 * No parameter can start here (an '='): the rest of the
			 * line is bad syntax. At the very end libxlutil's
			 * scanner stops silently, and so does this one.
			 */
			size_t n = strcspn(s + 1, "\n");
			if (!s[1])
				return;
			char *text = strndup(s, n + 1);
			if (!text) {
				c->error = ENOMEM;
				return;
			}
			disk_err(c, text, "bad disk syntax");
			free(text);
			return;
		}
		char *text = strndup(s, (size_t)best_take);
		if (!text) {
			c->error = ENOMEM;
			return;
		}
		bool go_on = action(c, (enum rule)best, text);
		free(text);
		if (!go_on)
			return;
		s += best_take;
	}
}

int xlcfg_disk_parse(const char *spec, struct xlcfg_disk *disk,
		     xlcfg_spec_err_fn err, void *ctx)
{
	struct disk_ctx c = { .spec = spec, .disk = disk, .err = err,
			      .ctx = ctx };

	memset(disk, 0, sizeof(*disk));
	disk->readwrite = true;
	scan(&c);
	if (c.error)
		return c.error;
	if (disk->format == XLCFG_FORMAT_UNKNOWN)
		disk->format = XLCFG_FORMAT_RAW;
	if (disk->is_cdrom) {
		disk->removable = true;
		disk->readwrite = false;
		if (!disk->target || !*disk->target)
			disk->format = XLCFG_FORMAT_EMPTY;
	}
	if (!disk->vdev)
		disk_err(&c, NULL, "no vdev specified");
	else if (!disk->target && !disk->removable)
		disk_err(&c, NULL, "no target specified (and device not removable)");
	return c.error;
}

void xlcfg_disk_free(struct xlcfg_disk *disk)
{
	free(disk->target);
	free(disk->vdev);
	free(disk->backend_domname);
	free(disk->script);
	free(disk->colo_host);
	free(disk->colo_export);
	free(disk->active_disk);
	free(disk->hidden_disk);
	memset(disk, 0, sizeof(*disk));
}

const char *xlcfg_disk_format_name(enum xlcfg_disk_format f)
{
	static const char *const names[] = { "unknown", "qcow", "qcow2", "vhd",
					     "raw", "empty", "qed" };
	return (unsigned)f < 7 ? names[f] : "?";
}

const char *xlcfg_disk_backend_name(enum xlcfg_disk_backend b)
{
	static const char *const names[] = { "unknown", "phy", "tap", "qdisk",
					     "standalone" };
	return (unsigned)b < 5 ? names[b] : "?";
}

const char *xlcfg_disk_spec_name(enum xlcfg_disk_spec s)
{
	static const char *const names[] = { "unknown", "xen", "virtio" };
	return (unsigned)s < 3 ? names[s] : "?";
}
