# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Turn the model's input errors into AnsibleFilterError with the filter's name in front."""

from __future__ import annotations

import functools
from typing import Any, Callable

from ansible.errors import AnsibleFilterError


def filter_errors(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a filter so that a bad input (TypeError, ValueError, an unknown mesh as KeyError, every
    problem of an invalid federation model) fails with ``<name>: <what is wrong>``."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except (TypeError, ValueError) as error:
                raise AnsibleFilterError(f"{name}: {error}") from None
            except KeyError as error:
                raise AnsibleFilterError(f"{name}: {error.args[0] if error.args else error}") from None

        return run

    return decorate
