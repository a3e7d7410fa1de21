# Helpers shared by r_survey.R, r_gof.R and r_emmeans.R (each sources this file; run
# them from the repository root). Nothing here is a reference value by itself.

# ---------------------------------------------------------------------------------
# JSON writer. jsonlite is not in the install line and its default rounding loses
# digits; this writer prints every double with 17 significant digits, which
# round-trips exactly. Named lists become objects, unnamed lists and vectors of
# length != 1 (or wrapped in I()) become arrays, matrices become arrays of rows,
# data frames become arrays of row objects. NA becomes null.
# ---------------------------------------------------------------------------------
json_string <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  paste0("\"", s, "\"")
}

json_scalar <- function(x) {
  if (is.factor(x)) x <- as.character(x)
  if (is.na(x)) return("null")
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.character(x)) return(json_string(x))
  if (is.integer(x)) return(as.character(x))
  if (!is.finite(x)) stop("refusing to write a non-finite number to JSON")
  sprintf("%.17g", x)
}

to_json <- function(x, indent = 0) {
  pad <- strrep(" ", indent + 2)
  end <- strrep(" ", indent)
  if (is.null(x)) return("null")
  if (is.data.frame(x)) {
    rows <- lapply(seq_len(nrow(x)), function(i) {
      as.list(x[i, , drop = FALSE])
    })
    rows <- lapply(rows, function(r) lapply(r, function(v) v[[1]]))
    return(to_json(rows, indent))
  }
  if (is.matrix(x)) {
    rows <- lapply(seq_len(nrow(x)), function(i) I(unname(x[i, ])))
    return(to_json(rows, indent))
  }
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    if (!is.null(names(x)) && all(names(x) != "")) {
      flat <- all(vapply(x, function(v) is.atomic(v) && length(v) == 1 &&
                           !inherits(v, "AsIs") && !is.matrix(v), TRUE))
      if (flat) {  # a small record such as a label: one line
        items <- vapply(names(x), function(k) {
          paste0(json_string(k), ": ", json_scalar(x[[k]]))
        }, "")
        line <- paste0("{", paste(items, collapse = ", "), "}")
        if (nchar(line) <= 100) return(line)
      }
      items <- vapply(names(x), function(k) {
        paste0(pad, json_string(k), ": ", to_json(x[[k]], indent + 2))
      }, "")
      return(paste0("{\n", paste(items, collapse = ",\n"), "\n", end, "}"))
    }
    items <- vapply(x, function(v) paste0(pad, to_json(v, indent + 2)), "")
    return(paste0("[\n", paste(items, collapse = ",\n"), "\n", end, "]"))
  }
  if (length(x) == 1 && !inherits(x, "AsIs")) return(json_scalar(x))
  x <- unclass(x)
  paste0("[", paste(vapply(seq_along(x), function(i) json_scalar(x[i]), ""),
                    collapse = ", "), "]")
}

write_json_file <- function(x, path) {
  writeLines(to_json(x), path, useBytes = TRUE)
  cat("wrote", path, "\n")
}

software_versions <- function(packages) {
  c(list(R = R.version.string),
    setNames(lapply(packages, function(p) packageDescription(p)$Version), packages))
}

# ---------------------------------------------------------------------------------
# Labels. Python sorts levels by code point; R's sort() follows the locale, so the
# radix method (C-locale order) is used to get the same order as patsy and pandas.
# ---------------------------------------------------------------------------------
sorted_levels <- function(x) {
  u <- unique(x[!is.na(x)])
  if (is.numeric(u)) as.character(sort(u)) else sort(as.character(u), method = "radix")
}

as_sorted_factor <- function(x) factor(as.character(x), levels = sorted_levels(x))

# Column names of a model matrix (treatment contrasts, first sorted level dropped)
# rewritten as patsy would print them for a formula that wraps each factor in C():
# "(Intercept)" -> "Intercept", factor v at level L -> "C(v)[T.L]".
patsy_names <- function(X, formula, data) {
  labels <- attr(terms(formula), "term.labels")
  assign <- attr(X, "assign")
  vapply(seq_along(assign), function(k) {
    if (assign[k] == 0) return("Intercept")
    v <- labels[assign[k]]
    if (!v %in% names(data)) stop("only single-variable terms are supported: ", v)
    if (is.factor(data[[v]])) {
      level <- substring(colnames(X)[k], nchar(v) + 1)
      return(paste0("C(", v, ")[T.", level, "]"))
    }
    v
  }, "")
}

# Parameter labels in the package's outcome-major order: every design column of the
# first non-reference outcome, then the next outcome.
param_labels <- function(others, terms) {
  data.frame(outcome = rep(others, each = length(terms)),
             term = rep(terms, times = length(others)), stringsAsFactors = FALSE)
}

# ---------------------------------------------------------------------------------
# Weighted multinomial-logit maximum likelihood by Newton's method (the Hessian is
# the expected information for this canonical link). Written out rather than taken
# from vglm so that the scores and the information used by the sandwich are exactly
# those of the estimate; the callers compare the estimate with VGAM::vglm.
# ---------------------------------------------------------------------------------
mnl_probs <- function(X, beta) {
  eta <- cbind(0, X %*% beta)
  eta <- eta - apply(eta, 1, max)
  e <- exp(eta)
  e / rowSums(e)  # column 1 is the reference outcome
}

# Expected information sum_i w_i (diag p_i - p_i p_i') (x) x_i x_i', outcome-major.
mnl_information <- function(X, P, w) {
  m <- ncol(P) - 1
  K <- ncol(X)
  A <- matrix(0, K * m, K * m)
  for (j in 1:m) for (l in 1:m) {
    c_jl <- w * P[, j + 1] * ((j == l) - P[, l + 1])
    A[(j - 1) * K + 1:K, (l - 1) * K + 1:K] <- crossprod(X, X * c_jl)
  }
  A
}

# Per-row scores x_i (x) (y_i - p_i) over the non-reference outcomes, outcome-major,
# unweighted.
mnl_scores <- function(X, Y, P) {
  do.call(cbind, lapply(seq_len(ncol(Y)), function(j) X * (Y[, j] - P[, j + 1])))
}

mnl_newton <- function(X, y, reference, w = rep(1, nrow(X)), maxit = 100) {
  others <- setdiff(sorted_levels(y), reference)
  Y <- vapply(others, function(l) as.numeric(y == l), numeric(nrow(X)))
  K <- ncol(X)
  m <- length(others)
  beta <- matrix(0, K, m)
  polish <- 0
  for (it in seq_len(maxit)) {
    P <- mnl_probs(X, beta)
    U <- as.vector(crossprod(X, w * (Y - P[, -1, drop = FALSE])))
    step <- solve(mnl_information(X, P, w), U)
    beta <- beta + matrix(step, K, m)
    # Once the step is at rounding level, take two more to be sure it stays there.
    if (max(abs(step)) < 1e-12 * (1 + max(abs(beta)))) polish <- polish + 1
    if (polish > 2) break
  }
  if (polish <= 2) stop("Newton did not converge")
  P <- mnl_probs(X, beta)
  U <- as.vector(crossprod(X, w * (Y - P[, -1, drop = FALSE])))
  list(beta = beta, others = others, Y = Y, P = P, iterations = it,
       last_step = max(abs(step)), max_abs_gradient = max(abs(U)))
}

# The same estimate from VGAM (IRLS, tight epsilon): coefficients as a terms x outcomes
# matrix, columns in sorted non-reference level order. The estimate does not depend
# on the scale of the weights, but where VGAM stops does (it ends on "half-step sizes
# are very small" short of the optimum, by up to ~1e-8 here, for some scalings), so
# callers run it with the weights as given and scaled to mean 1 and report both.
vglm_coef <- function(formula, data, reference, w = NULL) {
  data$.w <- if (is.null(w)) 1 else w
  fit <- suppressWarnings(VGAM::vglm(
    formula, VGAM::multinomial(refLevel = reference), data = data, weights = .w,
    control = VGAM::vglm.control(epsilon = 1e-13, maxit = 200)))
  VGAM::coef(fit, matrix = TRUE)
}

vglm_check <- function(formula, data, reference, w, beta) {
  list(weights_as_given = max(abs(vglm_coef(formula, data, reference, w) - beta)),
       weights_scaled_to_mean_1 = max(abs(vglm_coef(formula, data, reference,
                                                    w / mean(w)) - beta)))
}
