import type { ReactNode, Ref } from 'react';

interface SectionTitleProps {
  /** The ref usePageTitle returns: the heading gets the focus after an in-app navigation. */
  headingRef: Ref<HTMLHeadingElement>;
  title: string;
  intro: string;
}

/** A section's or page's title (an h2) with its line of introduction. */
export function SectionTitle({ headingRef, title, intro }: SectionTitleProps) {
  return (
    <div className="stack stack--tight">
      <h2 ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <p className="text-muted">{intro}</p>
    </div>
  );
}

/**
 * A section's head: its title with a line of introduction, and the section's main action beside
 * them (below them on a narrow screen).
 */
export function SectionHead({ children, ...title }: SectionTitleProps & { children: ReactNode }) {
  return (
    <div className="admin-section__head">
      <SectionTitle {...title} />
      {children}
    </div>
  );
}
